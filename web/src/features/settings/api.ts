// The REST calls of the settings and account screens: members, invites,
// teams, tags and labels, workspace settings, personal API tokens, and the
// public invite and password-reset pages.
import { request, type AuthResult } from '../../api';
import type { Availability, Member, Page, Team } from '../../types';
import type { LifecycleSettings, RoutingPolicy } from '../workday/api';

export type Role = 'admin' | 'agent';
export type TagKind = 'tags' | 'labels';

export interface Tag {
  id: string;
  name: string;
  color: string;
  created_at?: string;
}

export interface WorkspaceSettings {
  join_mode: 'contact' | 'contact_inbox';
  agent_scope: 'all' | 'teams' | 'assigned';
  /** The working day's timers and lists (sent whole). */
  lifecycle?: LifecycleSettings;
}

export interface Workspace {
  id: string;
  name: string;
  settings: WorkspaceSettings;
}

export interface APIToken {
  id: string;
  name: string;
  created_at: string;
  last_used_at?: string | null;
  expires_at?: string | null;
}

export interface Invite {
  id: string;
  email: string;
  role: Role | string;
  expires_at: string;
}

/** InviteLink is a created or resent invite, with the link to send. */
export interface InviteLink extends Invite, Emailed {
  link: string;
}

/** Emailed says whether a link also went out by email, and why not. */
export interface Emailed {
  emailed?: boolean;
  email_error?: string;
}

/** SMTPSettings is the workspace's email server (the password is write-only). */
export interface SMTPSettings {
  host: string;
  port: number;
  username: string;
  password?: string;
  from: string;
  security: 'starttls' | 'tls' | 'none' | '';
  password_set: boolean;
}

export interface InviteLookup {
  email: string;
  workspace_name: string;
  role: Role | string;
  account_exists: boolean;
}

export interface ResetLink extends Emailed {
  link: string;
  expires_at: string;
}

export interface ResetRequested {
  email_configured: boolean;
  message: string;
}

const w = (ws: string) => `/workspaces/${encodeURIComponent(ws)}`;
const e = encodeURIComponent;

export const settingsApi = {
  // Members and invites.
  updateMember: (ws: string, uid: string, body: { role?: Role; availability?: Availability; capacity?: number }) =>
    request<Member>(`${w(ws)}/users/${e(uid)}`, { method: 'PATCH', body }),
  removeMember: (ws: string, uid: string) => request<void>(`${w(ws)}/users/${e(uid)}`, { method: 'DELETE' }),
  invites: (ws: string) => request<{ items: Invite[] | null }>(`${w(ws)}/invites`),
  invite: (ws: string, body: { email: string; role: Role }) =>
    request<InviteLink>(`${w(ws)}/invites`, { method: 'POST', body }),
  resendInvite: (ws: string, id: string) => request<InviteLink>(`${w(ws)}/invites/${e(id)}/resend`, { method: 'POST' }),
  revokeInvite: (ws: string, id: string) => request<void>(`${w(ws)}/invites/${e(id)}`, { method: 'DELETE' }),
  smtp: (ws: string) => request<SMTPSettings>(`${w(ws)}/notification-smtp`),
  saveSMTP: (ws: string, body: SMTPSettings) => request<SMTPSettings>(`${w(ws)}/notification-smtp`, { method: 'PUT', body }),
  passwordResetLink: (ws: string, uid: string) =>
    request<ResetLink>(`${w(ws)}/users/${e(uid)}/password-reset`, { method: 'POST' }),

  // Teams.
  teams: (ws: string) => request<Page<Team>>(`${w(ws)}/teams`),
  createTeam: (ws: string, name: string) => request<Team>(`${w(ws)}/teams`, { method: 'POST', body: { name } }),
  updateTeam: (ws: string, id: string, body: { name?: string; member_ids?: string[]; routing_policy?: RoutingPolicy }) =>
    request<Team>(`${w(ws)}/teams/${e(id)}`, { method: 'PATCH', body }),
  deleteTeam: (ws: string, id: string) => request<void>(`${w(ws)}/teams/${e(id)}`, { method: 'DELETE' }),

  // Tags and labels.
  tags: (ws: string, kind: TagKind) => request<Page<Tag>>(`${w(ws)}/${kind}`),
  createTag: (ws: string, kind: TagKind, body: { name: string; color: string }) =>
    request<Tag>(`${w(ws)}/${kind}`, { method: 'POST', body }),
  updateTag: (ws: string, kind: TagKind, id: string, body: { name?: string; color?: string }) =>
    request<Tag>(`${w(ws)}/${kind}/${e(id)}`, { method: 'PATCH', body }),
  deleteTag: (ws: string, kind: TagKind, id: string) => request<void>(`${w(ws)}/${kind}/${e(id)}`, { method: 'DELETE' }),

  // The workspace.
  workspace: (ws: string) => request<Workspace>(w(ws)),
  updateWorkspace: (ws: string, body: { name?: string; settings?: WorkspaceSettings }) =>
    request<Workspace>(w(ws), { method: 'PATCH', body }),

  // Personal API tokens.
  tokens: () => request<Page<APIToken>>('/tokens'),
  createToken: (name: string) => request<APIToken & { token: string }>('/tokens', { method: 'POST', body: { name } }),
  revokeToken: (id: string) => request<void>(`/tokens/${e(id)}`, { method: 'DELETE' }),

  // Public pages: invites and password resets.
  lookupInvite: (token: string) =>
    request<InviteLookup>('/invites/lookup?token=' + e(token), { quiet401: true }),
  acceptInvite: (body: { token: string; name?: string; password?: string }) =>
    request<AuthResult & { workspace_id?: string }>('/invites/accept', { method: 'POST', body, quiet401: true }),
  requestPasswordReset: (email: string) =>
    request<ResetRequested>('/password-reset/request', { method: 'POST', body: { email }, quiet401: true }),
  confirmPasswordReset: (token: string, password: string) =>
    request<void>('/password-reset/confirm', { method: 'POST', body: { token, password }, quiet401: true }),
};

/** PASSWORD_MIN is the server's rule for a new password (workspace.ValidPassword). */
export const PASSWORD_MIN = 8;
