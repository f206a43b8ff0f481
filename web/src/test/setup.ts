import { cleanup } from '@testing-library/react';
import { afterEach } from 'vitest';
import { setChannelSpecs, type ChannelSpecs } from '../channels';
import specs from './channel-specs.json';

// The server's answer to GET /api/v1/channels, kept equal to the providers'
// declarations by the Go test TestSpecs_WebFixture.
setChannelSpecs(specs as ChannelSpecs);

afterEach(() => {
  cleanup();
  window.localStorage.clear();
  window.history.replaceState(null, '', '/');
});
