// The REST calls of the AI agent: assistants, inbox assistants, the
// knowledge base, the preview and a conversation's AI state.
import { ApiError, request } from '../../api';

export interface AssistantSettings {
  persona: string;
  instructions: string;
  knowledge_ids: string[];
  handoff: { keywords: string[]; sentiment_threshold: number; confidence_threshold: number };
  booking_url: string;
  off_hours: 'answer' | 'away';
  away_message: string;
  pause_on_agent_reply: boolean;
  base_url: string;
  model: string;
  temperature: number;
  timeout_seconds: number;
}

export interface Assistant extends AssistantSettings {
  id: string;
  name: string;
  provider: 'builtin' | 'openai';
  default: boolean;
  api_key_set: boolean;
}

export interface KnowledgeEntry {
  id: string;
  kind: 'article' | 'qa';
  title: string;
  content: string;
  question?: string;
  answer?: string;
  source: string;
  updated_at: string;
}

export interface Source {
  id: string;
  title: string;
  score: number;
}

export interface Reasoning {
  intent: string;
  confidence: number;
  sentiment: number;
  sources: Source[] | null;
  trigger?: string;
  detail?: string;
  provider: string;
  model: string;
  latency_ms: number;
  explanation?: string;
  error?: string;
}

export interface Turn {
  role: 'customer' | 'agent' | 'ai';
  content: string;
}

export interface PreviewResult {
  reply: string | null;
  handoff: { triggered: boolean; reason: string };
  appointment: boolean;
  reasoning: Reasoning;
}

export interface ConversationAIState {
  ai_mode: 'active' | 'paused' | 'manual';
  assistant_id: string;
  effective_assistant_id: string;
  bot_messages_off: boolean;
  memory_from: string;
}

const w = (ws: string) => `/workspaces/${encodeURIComponent(ws)}`;
const e = encodeURIComponent;

/** settingsBody is what PATCH takes of an assistant's settings. */
export function settingsOf(a: Assistant): AssistantSettings {
  const { persona, instructions, knowledge_ids, handoff, booking_url, off_hours, away_message, pause_on_agent_reply, base_url, model, temperature, timeout_seconds } = a;
  return { persona, instructions, knowledge_ids, handoff, booking_url, off_hours, away_message, pause_on_agent_reply, base_url, model, temperature, timeout_seconds };
}

export const aiApi = {
  assistants: (ws: string) => request<{ items: Assistant[] | null }>(`${w(ws)}/ai/assistants`),
  updateAssistant: (ws: string, id: string, body: { name?: string; provider?: string; settings?: AssistantSettings; api_key?: string }) =>
    request<Assistant>(`${w(ws)}/ai/assistants/${e(id)}`, { method: 'PATCH', body }),
  inboxAssistants: (ws: string) => request<{ items: { inbox_id: string; assistant_id: string }[] | null }>(`${w(ws)}/ai/inboxes`),
  setInboxAssistant: (ws: string, inboxId: string, assistantId: string) =>
    request<void>(`${w(ws)}/ai/inboxes/${e(inboxId)}`, { method: 'PUT', body: { assistant_id: assistantId } }),
  preview: (ws: string, assistantId: string, messages: Turn[]) =>
    request<PreviewResult>(`${w(ws)}/ai/preview`, { method: 'POST', body: { assistant_id: assistantId, messages } }),
  knowledge: (ws: string, q = '') => request<{ items: KnowledgeEntry[] | null }>(`${w(ws)}/ai/knowledge${q ? '?q=' + e(q) : ''}`),
  createKnowledge: (ws: string, body: Partial<KnowledgeEntry>) => request<KnowledgeEntry>(`${w(ws)}/ai/knowledge`, { method: 'POST', body }),
  deleteKnowledge: (ws: string, id: string) => request<void>(`${w(ws)}/ai/knowledge/${e(id)}`, { method: 'DELETE' }),
  importCSV: async (ws: string, csv: string): Promise<{ imported: number }> => {
    const res = await fetch(`/api/v1${w(ws)}/ai/knowledge-imports`, {
      method: 'POST',
      headers: { 'Content-Type': 'text/csv', Accept: 'application/json' },
      body: csv,
      credentials: 'same-origin',
    });
    const data = await res.json().catch(() => null);
    if (!res.ok) throw new ApiError(res.status, data, 'The import failed.');
    return data;
  },
  state: (ws: string, cid: string) => request<ConversationAIState>(`${w(ws)}/conversations/${e(cid)}/ai`),
  updateState: (ws: string, cid: string, body: { reset?: boolean; bot_messages_off?: boolean; assistant_id?: string }) =>
    request<ConversationAIState>(`${w(ws)}/conversations/${e(cid)}/ai`, { method: 'PATCH', body }),
  setMode: (ws: string, cid: string, mode: 'active' | 'paused' | 'manual') =>
    request<unknown>(`${w(ws)}/conversations/${e(cid)}`, { method: 'PATCH', body: { ai_mode: mode } }),
};

/** REASONS are the handoff reasons in words. */
export const REASONS: Record<string, string> = {
  human_request: 'The customer asked for a person',
  negative_sentiment: 'The customer sounds upset',
  keyword: 'A handoff keyword was used',
  low_confidence: 'The assistant could not answer confidently',
};

/** Feedback is one agent's vote on an AI reply. */
export interface Feedback {
  id: string;
  message_id: string;
  conversation_id: string;
  user_id: string;
  rating: 'up' | 'down';
  correction: string;
  question: string;
  status: 'none' | 'pending' | 'approved' | 'rejected';
  knowledge_id: string;
  reviewed_by: string;
}

/** FeedbackView is a feedback record in the admins' review list. */
export interface FeedbackView extends Feedback {
  reply: string;
  user_name: string;
  conversation_number: number;
}

export const feedbackApi = {
  mine: (ws: string, cid: string) => request<{ items: Feedback[] | null }>(`${w(ws)}/conversations/${e(cid)}/ai-feedback`),
  vote: (ws: string, cid: string, mid: string, body: { rating: 'up' | 'down'; correction: string }) =>
    request<Feedback>(`${w(ws)}/conversations/${e(cid)}/messages/${e(mid)}/ai-feedback`, { method: 'POST', body }),
  list: (ws: string, status: string) => request<{ items: FeedbackView[] | null }>(`${w(ws)}/ai/feedback?status=${e(status)}`),
  approve: (ws: string, id: string, body: { question: string; answer: string }) =>
    request<Feedback>(`${w(ws)}/ai/feedback/${e(id)}/approve`, { method: 'POST', body }),
  reject: (ws: string, id: string) => request<Feedback>(`${w(ws)}/ai/feedback/${e(id)}/reject`, { method: 'POST' }),
};
