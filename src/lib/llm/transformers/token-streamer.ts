// Streams text token by token. transformers.js's TextStreamer holds text back until a space or
// newline (whole words), so a model writing code or a long word would show nothing for a while;
// this one emits every token's text at once, holding back only an incomplete UTF-8 sequence
// (decoded as U+FFFD) until the next token completes it.
import { BaseStreamer, type PreTrainedTokenizer } from '@huggingface/transformers';

export interface TokenStreamerCallbacks {
  /** Every generated token id, special ones included. */
  onTokens(tokens: bigint[]): void;
  /** Each new piece of visible text. */
  onText(text: string): void;
}

export class TokenStreamer extends BaseStreamer {
  #tokenizer: PreTrainedTokenizer;
  #callbacks: TokenStreamerCallbacks;
  #specialIds: Set<bigint>;
  #promptSeen = false;
  /** Tokens since the last newline: decoded together so merges across tokens come out right. */
  #window: bigint[] = [];
  #printedChars = 0;

  constructor(tokenizer: PreTrainedTokenizer, callbacks: TokenStreamerCallbacks) {
    super();
    this.#tokenizer = tokenizer;
    this.#callbacks = callbacks;
    this.#specialIds = new Set(tokenizer.all_special_ids.map((id) => BigInt(id)));
  }

  override put(value: bigint[][]): void {
    // generate() first passes the prompt, which is not part of the answer.
    if (!this.#promptSeen) {
      this.#promptSeen = true;
      return;
    }
    const tokens = value[0] ?? [];
    this.#callbacks.onTokens(tokens);
    const visible = tokens.filter((id) => !this.#specialIds.has(id));
    if (visible.length === 0) return;
    this.#window.push(...visible);
    const text = this.#decode();
    if (text.endsWith('\uFFFD')) return;
    this.#emit(text);
  }

  override end(): void {
    if (this.#window.length > 0) this.#emit(this.#decode());
    this.#promptSeen = false;
    this.#window = [];
    this.#printedChars = 0;
  }

  #decode(): string {
    return this.#tokenizer.decode(this.#window, { skip_special_tokens: true });
  }

  #emit(text: string): void {
    const piece = text.slice(this.#printedChars);
    this.#printedChars = text.length;
    if (text.endsWith('\n')) {
      this.#window = [];
      this.#printedChars = 0;
    }
    if (piece) this.#callbacks.onText(piece);
  }
}
