import { Inject, Injectable } from '@nestjs/common';
import type { OutgoingContent } from '@mailroom/xmtp';
import { DomainError, ErrorCode } from '../../common/errors/index.js';
import { GATEWAY_RUNTIME, type GatewayRuntime } from '../../runtime.js';
import { isMimeTypeAllowed } from '../attachments/mime-policy.js';
import { parseOutgoingContent } from './outgoing-content.parser.js';
import { INLINE_ATTACHMENT_MAX_BYTES } from './structured-content.parser.js';

/**
 * Validates outgoing content under the operator's attachment rules: an inline attachment is no larger than
 * ATTACHMENT_MAX_BYTES (nor XMTP's inline bound) and its media type passes ATTACHMENT_MIME_ALLOW/DENY, as uploads do.
 */
@Injectable()
export class OutgoingContentPolicy {
  constructor(@Inject(GATEWAY_RUNTIME) private readonly runtime: GatewayRuntime) {}

  parse(raw: unknown): OutgoingContent {
    const { maxBytes, mimeAllow, mimeDeny } = this.runtime.config.attachments;
    const content = parseOutgoingContent(raw, {
      inlineAttachmentMaxBytes: Math.min(maxBytes, INLINE_ATTACHMENT_MAX_BYTES),
    });
    if (content.type === 'attachment' && !isMimeTypeAllowed(content.mimeType, mimeAllow, mimeDeny)) {
      throw new DomainError(
        ErrorCode.UnsupportedMediaType,
        `Attachments of type ${content.mimeType} are not accepted.`,
        {
          errors: [{ field: 'content.mimeType', message: 'is not an accepted media type on this gateway' }],
        },
      );
    }
    return content;
  }
}
