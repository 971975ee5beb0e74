// The SDK's Conversation keeps its bindings object private, and its decoded message listing folds reactions into
// their parent and hides read receipts and the bytes of unknown content types. The raw listing (`findMessages`)
// lives on the bindings object. The SDK's `id` getter calls the bindings `id()` synchronously, so a wrapper on that
// one prototype method observes which bindings conversation belongs to an SDK conversation (as pool/native-client.ts
// does for clients).
import { Conversation as NativeConversation, type ListMessagesOptions, type Message } from '@xmtp/node-bindings';
import type { Conversation } from '@xmtp/node-sdk';

let observed: NativeConversation | undefined;
let hooked = false;

function hook(): void {
  if (hooked) return;
  const original = NativeConversation.prototype.id;
  NativeConversation.prototype.id = function (this: NativeConversation): string {
    observed = this;
    return original.call(this);
  };
  hooked = true;
}

function nativeConversationOf(conversation: Conversation<unknown>): NativeConversation {
  hook();
  observed = undefined;
  void conversation.id;
  const native = observed as NativeConversation | undefined;
  observed = undefined;
  if (!native) throw new Error('could not reach the native XMTP conversation (SDK internals changed?)');
  return native;
}

/** Every stored message of the conversation (reactions, read receipts and unknown types included), undecoded. */
export function findRawMessages(conversation: Conversation<unknown>, options: ListMessagesOptions): Promise<Message[]> {
  return nativeConversationOf(conversation).findMessages(options);
}
