import { afterEach, describe, expect, it, vi } from 'vitest';
import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { clock, pickMime, VoiceButton } from './VoiceButton';

describe('voice helpers', () => {
  it.each([
    [['audio/webm;codecs=opus', 'audio/webm'], 'audio/webm;codecs=opus'],
    [['audio/ogg;codecs=opus'], 'audio/ogg;codecs=opus'],
    [[], ''],
  ])('pickMime(%j)', (have, want) => {
    expect(pickMime((t) => have.includes(t))).toBe(want);
  });
  it.each([
    [0, '0:00'],
    [9_999, '0:09'],
    [61_000, '1:01'],
  ])('clock(%i)', (ms, want) => expect(clock(ms)).toBe(want));
});

// A MediaRecorder stand-in: start emits one chunk, stop calls onstop.
class FakeRecorder {
  static isTypeSupported = (t: string) => t === 'audio/webm;codecs=opus';
  state = 'inactive';
  mimeType = 'audio/webm;codecs=opus';
  ondataavailable: ((e: { data: Blob }) => void) | null = null;
  onstop: (() => void) | null = null;
  start() {
    this.state = 'recording';
  }
  stop() {
    this.state = 'inactive';
    this.ondataavailable?.({ data: new Blob(['opus'], { type: 'audio/webm' }) });
    this.onstop?.();
  }
}

describe('VoiceButton', () => {
  afterEach(() => vi.unstubAllGlobals());

  function setup() {
    const track = { stop: vi.fn() };
    vi.stubGlobal('MediaRecorder', FakeRecorder);
    Object.defineProperty(navigator, 'mediaDevices', {
      configurable: true,
      value: { getUserMedia: vi.fn(async () => ({ getTracks: () => [track] })) },
    });
    const upload = vi.fn(async (f: File) => ({ id: 'up1', file_name: f.name, content_type: f.type, size: f.size }));
    const send = vi.fn(async () => {});
    const onError = vi.fn();
    render(<VoiceButton upload={upload} send={send} onError={onError} />);
    return { upload, send, onError, track, button: screen.getByRole('button', { name: 'Hold to record a voice message' }) };
  }

  it('records while Space is held and sends on release', async () => {
    const { upload, send, track, button } = setup();
    const t0 = Date.now();
    const now = vi.spyOn(Date, 'now').mockReturnValue(t0);
    fireEvent.keyDown(button, { key: ' ' });
    await screen.findByRole('button', { name: 'Recording: release to send' });
    now.mockReturnValue(t0 + 2000);
    await act(async () => fireEvent.keyUp(button, { key: ' ' }));
    await waitFor(() => expect(send).toHaveBeenCalledWith(['up1']));
    expect(upload.mock.calls[0][0].name).toBe('voice-message.webm');
    expect(track.stop).toHaveBeenCalled();
  });

  it('drops a recording shorter than half a second, and one cancelled with Escape', async () => {
    const { upload, button } = setup();
    const t0 = Date.now();
    vi.spyOn(Date, 'now').mockReturnValue(t0);
    fireEvent.keyDown(button, { key: 'Enter' });
    await screen.findByRole('button', { name: 'Recording: release to send' });
    await act(async () => fireEvent.keyUp(button, { key: 'Enter' }));
    await screen.findByRole('button', { name: 'Hold to record a voice message' });
    fireEvent.keyDown(button, { key: ' ' });
    await screen.findByRole('button', { name: 'Recording: release to send' });
    await act(async () => fireEvent.keyDown(screen.getByRole('button', { name: 'Recording: release to send' }), { key: 'Escape' }));
    await screen.findByRole('button', { name: 'Hold to record a voice message' });
    expect(upload).not.toHaveBeenCalled();
  });
});
