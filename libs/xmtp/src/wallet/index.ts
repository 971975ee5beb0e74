export {
  WalletSignatureError,
  WalletSignatureRequests,
  type WalletRequestCompleted,
  type WalletRequestIssued,
  type WalletRequestKind,
  type WalletSignatureRequestsOptions,
  type WalletSignerRef,
} from './wallet-signature-requests.js';
