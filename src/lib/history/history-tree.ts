// A conversation exported by another assistant, as a tree of messages (each edit or regenerate
// starts a branch), turned into Hearth's records: the branch the user last saw is the
// conversation, and every other branch is kept as an earlier version of the message where it
// forked, with the messages that followed it there (Hearth's ‹ 1/2 › versions). Nothing the user
// or the assistant wrote is dropped here; what the formats' readers leave out (tool calls, images)
// they leave out before.
import type { MessageRecord, MessageVersion } from '../db/chat-records';

export interface HistoryNode {
  id: string;
  /** Null at a root. */
  parent: string | null;
  /** Null for a node that is not a message the user sees (system, tool, hidden, empty). */
  role: 'user' | 'assistant' | null;
  content: string;
  /** ms since 1970. */
  createdAt: number;
}

export interface HistoryConversation {
  /** Hearth's id for it: the source's own, prefixed by the source (`chatgpt:`, `claude:`). */
  id: string;
  title: string;
  createdAt: number;
  updatedAt: number;
  nodes: HistoryNode[];
  /** The node the user last saw (its branch is the one shown); null: the newest leaf. */
  leaf: string | null;
}

/** The conversation's messages: the seen branch in order, other branches inside versions. */
export function threadOf(conversation: HistoryConversation): MessageRecord[] {
  const byId = new Map(conversation.nodes.map((n) => [n.id, n]));
  const children = new Map<string | null, HistoryNode[]>();
  for (const node of conversation.nodes) {
    // A parent the export does not hold makes the node a root, rather than losing it.
    const parent = node.parent !== null && byId.has(node.parent) ? node.parent : null;
    const list = children.get(parent) ?? [];
    list.push(node);
    children.set(parent, list);
  }
  const seen = new Set<string>();
  for (let id = leafOf(conversation, byId, children); id !== null;) {
    if (seen.has(id)) break; // A cycle in a hostile file: stop, never loop.
    seen.add(id);
    id = byId.get(id)?.parent ?? null;
  }

  const visited = new Set<string>();
  /** The visible children of `parent`, looking through hidden nodes (system, tool calls). */
  const shownChildren = (parent: string | null): HistoryNode[] => {
    const out: HistoryNode[] = [];
    for (const child of children.get(parent) ?? []) {
      if (visited.has(child.id)) continue;
      visited.add(child.id);
      if (child.role !== null) out.push(child);
      else out.push(...shownChildren(child.id));
    }
    return out;
  };

  const record = (node: HistoryNode): MessageRecord => ({
    id: `${conversation.id}:${node.id}`,
    conversationId: conversation.id,
    role: node.role ?? 'user',
    content: node.content,
    createdAt: node.createdAt,
    ...(node.role === 'assistant' ? { status: 'done' as const } : {}),
  });

  // Iterative over the seen branch (conversations can be thousands of turns); each fork's other
  // branches recurse, which only goes as deep as forks nest.
  const walk = (first: HistoryNode[]): MessageRecord[] => {
    const out: MessageRecord[] = [];
    let kids = first;
    while (kids.length > 0) {
      const chosen = kids.find((k) => seen.has(k.id)) ?? kids[kids.length - 1]!;
      const shown = record(chosen);
      if (kids.length > 1) {
        const used = new Set<number>();
        const versions: MessageVersion[] = kids.map((kid) => {
          // Each version is named by its time: two must not share one.
          let at = kid.createdAt;
          while (used.has(at)) at++;
          used.add(at);
          const { content, status } = record(kid);
          return {
            content,
            ...(status ? { status } : {}),
            at,
            tail: kid === chosen ? [] : walk(shownChildren(kid.id)),
          };
        });
        shown.versions = versions;
        shown.versionIndex = kids.indexOf(chosen);
        // Messages are listed by time: the message sits where the fork is (its first version),
        // so whichever version is shown, the messages that follow it come after it.
        shown.createdAt = Math.min(...kids.map((k) => k.createdAt));
      }
      out.push(shown);
      kids = shownChildren(chosen.id);
    }
    return out;
  };
  return walk(shownChildren(null));
}

function leafOf(
  conversation: HistoryConversation,
  byId: Map<string, HistoryNode>,
  children: Map<string | null, HistoryNode[]>,
): string | null {
  if (conversation.leaf !== null && byId.has(conversation.leaf)) return conversation.leaf;
  let newest: HistoryNode | null = null;
  for (const node of conversation.nodes) {
    if ((children.get(node.id)?.length ?? 0) > 0) continue;
    if (!newest || node.createdAt >= newest.createdAt) newest = node;
  }
  return newest?.id ?? null;
}
