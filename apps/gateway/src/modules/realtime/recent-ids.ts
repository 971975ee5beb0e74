/**
 * The dedupe guard of one identity: ids emitted within the replay window, with the position (sent-at ns) they were
 * emitted at. Bounded: beyond `capacity` the oldest are forgotten (the webhook outbox's uniqueness still holds).
 */
export class RecentIds {
  /** Insertion order is emission order. */
  readonly #ids = new Map<string, bigint>();

  constructor(private readonly capacity: number) {}

  has(id: string): boolean {
    return this.#ids.has(id);
  }

  add(id: string, atNs: bigint): void {
    this.#ids.set(id, atNs);
    while (this.#ids.size > this.capacity) this.#ids.delete(this.#ids.keys().next().value!);
  }

  /**
   * Forgets ids emitted at positions below `floorNs`: no replay starts that early any more. Walks from the oldest and
   * stops at the first id at or above the floor, so a commit costs what it forgets, not the whole window (an id a
   * replay added late, below newer ones, waits for the capacity bound instead).
   */
  prune(floorNs: bigint): void {
    for (const [id, at] of this.#ids) {
      if (at >= floorNs) return;
      this.#ids.delete(id);
    }
  }

  get size(): number {
    return this.#ids.size;
  }
}

/**
 * The dedupe guard of one identity, with a window per position axis: message ids are pruned by the messages floor and
 * conversation ids by the conversations floor. One shared window pruned by the lower floor kept every message id until
 * the capacity bound, because the conversations floor stays put while no conversation arrives.
 */
export class RecentEventIds {
  readonly #messages: RecentIds;
  readonly #conversations: RecentIds;

  constructor(capacity: number) {
    this.#messages = new RecentIds(capacity);
    this.#conversations = new RecentIds(capacity);
  }

  has(id: string): boolean {
    return this.#messages.has(id) || this.#conversations.has(id);
  }

  add(id: string, axis: 'messages' | 'conversations', atNs: bigint): void {
    (axis === 'messages' ? this.#messages : this.#conversations).add(id, atNs);
  }

  prune(floors: { readonly messagesNs: bigint; readonly conversationsNs: bigint }): void {
    this.#messages.prune(floors.messagesNs);
    this.#conversations.prune(floors.conversationsNs);
  }

  get size(): number {
    return this.#messages.size + this.#conversations.size;
  }
}
