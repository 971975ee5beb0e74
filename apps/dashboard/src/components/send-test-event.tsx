import { mailroom } from '../api/client.js';
import { navigate } from '../lib/router.js';
import { useAction } from '../lib/use-resource.js';
import { useCanWrite } from './admin-role.js';
import { ErrorBanner } from './feedback.js';

/** Sends a signed `webhook.test` event through the normal delivery path and opens its delivery. */
export function SendTestEventButton({ webhookId }: { webhookId: string }) {
  const canWrite = useCanWrite();
  const send = useAction(() => mailroom.POST('/v1/webhooks/{id}/test', { params: { path: { id: webhookId } } }));
  if (!canWrite) return null;
  const click = async () => {
    const delivery = await send.run();
    if (delivery) navigate(`/webhooks/${webhookId}/deliveries/${delivery.id}`);
  };
  return (
    <div className="send-test">
      <ErrorBanner message={send.error} />
      <button type="button" className="button button-secondary" onClick={() => void click()} disabled={send.pending}>
        {send.pending ? 'Sending…' : 'Send test event'}
      </button>
    </div>
  );
}
