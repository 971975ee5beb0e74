import { Injectable } from '@nestjs/common';

/**
 * Which identities learn of new conversations from a live XMTP stream in this process (their realtime pipeline
 * streams conversations), so polling for welcomes would only repeat it. The realtime supervisor answers; without it
 * (or before it starts) no identity counts as streamed.
 */
@Injectable()
export class WelcomeStreams {
  #isStreamed: (identityId: string) => boolean = () => false;

  answerWith(isStreamed: (identityId: string) => boolean): void {
    this.#isStreamed = isStreamed;
  }

  has(identityId: string): boolean {
    return this.#isStreamed(identityId);
  }
}
