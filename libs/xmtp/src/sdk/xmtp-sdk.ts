// Which @xmtp/node-sdk major this process runs: chosen once at start (selectXmtpSdk), before any client is built,
// and read everywhere else through xmtpSdk(). Without a selection, the process runs SDK 5.5 (the one every machine loads).
import * as sdk5 from '@xmtp/node-sdk';
import type { Client, Conversation } from '@xmtp/node-sdk';
import type { RawMessage, RawMessageQuery, SdkEndpoints, XmtpEnv, XmtpNetwork, XmtpSdkAdapter } from './adapter.js';
import type { XmtpConversation } from './vocabulary.js';
import { sdk5Adapter } from './sdk5-internals.js';
import { loadSdk6Adapter } from './sdk6-internals.js';

/** `auto`: the newest SDK this process can load (6 where glibc >= 2.38, else 5); `5` / `6`: that one or fail. */
export type XmtpSdkChoice = 'auto' | '5' | '6';
export const XMTP_SDK_CHOICES: readonly XmtpSdkChoice[] = ['auto', '5', '6'];

export interface XmtpSdkSelection {
  readonly adapter: XmtpSdkAdapter;
  readonly choice: XmtpSdkChoice;
  /** Set when `auto` fell back to SDK 5: why SDK 6 did not load. */
  readonly fallbackReason?: string;
}

export class XmtpSdkUnavailableError extends Error {
  constructor(choice: XmtpSdkChoice, cause: unknown) {
    super(
      `XMTP_SDK=${choice}: @xmtp/node-sdk 6 cannot load in this process (${loadFailure(cause)}). ` +
        'Its bindings need glibc >= 2.38: run under Debian 13 (the Docker image), or `npm run glibc:fetch` and start with PATH=$PWD/.cache/glibc/bin:$PATH; or set XMTP_SDK=5 or auto.',
    );
    this.name = 'XmtpSdkUnavailableError';
  }
}

let selection: XmtpSdkSelection | undefined;
let selecting: Promise<XmtpSdkSelection> | undefined;

function firstLine(text: string): string {
  return text.split('\n')[0]!.slice(0, 300);
}

/**
 * Why a module did not load, in one line. The bindings' loader throws a generic "Cannot find native binding" and keeps
 * the real failures (e.g. `GLIBC_2.38' not found`) in its `cause` chain, so the chain is searched for a glibc one first.
 */
function loadFailure(error: unknown): string {
  const messages: string[] = [];
  // Duck-typed: the loader's errors may come from another realm (a test's VM context), where instanceof Error fails.
  for (
    let e = error as { message?: unknown; cause?: unknown } | undefined, depth = 0;
    typeof e?.message === 'string' && depth < 10;
    depth++
  ) {
    messages.push(e.message as string);
    e = e.cause as typeof e;
  }
  if (messages.length === 0) return firstLine(String(error));
  const glibc = messages.join('\n').match(/[^\n]*GLIBC_[\d.]+'? not found[^\n]*/);
  return firstLine(glibc ? glibc[0].trim() : messages[0]!);
}

/**
 * The enums Mailroom's vocabulary re-exports are SDK 5.5's objects (they are loaded when modules are, before any
 * selection). They pass to SDK 6 unchanged only while their values are equal, which this checks.
 */
function assertSameEnums(adapter: XmtpSdkAdapter): void {
  const other = adapter.sdk as unknown as Record<string, unknown>;
  const base = sdk5 as unknown as Record<string, unknown>;
  const differing = Object.keys(base)
    .filter(
      (name) => /^[A-Z]/.test(name) && typeof base[name] === 'object' && base[name] !== null && !name.endsWith('Urls'),
    )
    .filter((name) => JSON.stringify(base[name]) !== JSON.stringify(other[name]));
  if (differing.length > 0) {
    throw new Error(
      `@xmtp/node-sdk ${adapter.version} changed enum values Mailroom passes through unchanged: ${differing.join(', ')} (libs/xmtp/src/sdk/vocabulary.ts needs a mapping)`,
    );
  }
}

async function load(choice: XmtpSdkChoice): Promise<XmtpSdkSelection> {
  if (choice === '5') return { adapter: sdk5Adapter(), choice };
  try {
    const adapter = await loadSdk6Adapter();
    assertSameEnums(adapter);
    return { adapter, choice };
  } catch (error) {
    if (choice === '6')
      throw error instanceof Error && error.name === 'SdkVersionMismatchError'
        ? error
        : new XmtpSdkUnavailableError(choice, error);
    return { adapter: sdk5Adapter(), choice, fallbackReason: loadFailure(error) };
  }
}

/**
 * Chooses the SDK for this process. Idempotent for the same choice; a different choice after one was made (or after
 * SDK 5 was used by default) is refused, since clients of one SDK cannot be handed to the other.
 */
export async function selectXmtpSdk(choice: XmtpSdkChoice = 'auto'): Promise<XmtpSdkSelection> {
  if (!XMTP_SDK_CHOICES.includes(choice))
    throw new Error(`XMTP_SDK must be one of ${XMTP_SDK_CHOICES.join(', ')}, got ${String(choice)}`);
  if (selection) {
    if (selection.choice !== choice && !(choice === 'auto' || String(selection.adapter.major) === choice)) {
      throw new Error(
        `XMTP SDK ${selection.adapter.major} is already in use in this process; cannot switch to XMTP_SDK=${choice}`,
      );
    }
    return selection;
  }
  selecting ??= load(choice).then(
    (loaded) => (selection = loaded),
    (error: unknown) => {
      selecting = undefined;
      throw error;
    },
  );
  return selecting;
}

/** Selects from the XMTP_SDK environment variable (`auto` when unset): for tests and tools that build clients directly. */
export function selectXmtpSdkFromEnv(): Promise<XmtpSdkSelection> {
  return selectXmtpSdk((process.env.XMTP_SDK?.trim() || 'auto') as XmtpSdkChoice);
}

/** The SDK this process runs; SDK 5.5 when nothing was selected (and from then on). */
export function xmtpSdk(): XmtpSdkAdapter {
  selection ??= { adapter: sdk5Adapter(), choice: '5' };
  return selection.adapter;
}

/** The selection made, if any. */
export function xmtpSdkSelection(): XmtpSdkSelection | undefined {
  return selection;
}

// ---- the selected adapter's calls, under the names the rest of Mailroom uses ----

/**
 * Uses `network` (env, node, gateway host) for every later client and static call of this process; call once at start,
 * before any client is built. Rejects a network the selected SDK cannot serve.
 */
export function useXmtpNetwork(network: XmtpNetwork): Promise<void> {
  return xmtpSdk().useNetwork(network);
}

/** Points the selected SDK's `env` at a node, for every later client and static call of this process. */
export function pointSdkAt(apiUrl: string, env: XmtpEnv = 'local', historySyncUrl?: string): void {
  xmtpSdk().pointAt(apiUrl, env, historySyncUrl);
}

/** The endpoints the selected SDK uses for `env`. */
export function sdkEndpoints(env: XmtpEnv = 'local'): SdkEndpoints {
  return xmtpSdk().endpoints(env);
}

export function closeClientDatabase(client: Client<unknown>): void {
  xmtpSdk().closeClientDatabase(client);
}

/** Every stored message of the conversation (reactions, read receipts, unknown types included), undecoded. */
export function findRawMessages(conversation: XmtpConversation, options: RawMessageQuery): Promise<RawMessage[]> {
  // Not sdkConversationOf: vocabulary.ts imports this module, so only its types come back here.
  return xmtpSdk().findRawMessages(conversation as Conversation<unknown>, options);
}
