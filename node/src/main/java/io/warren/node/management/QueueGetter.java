package io.warren.node.management;

import io.warren.model.ChannelRef;
import io.warren.model.Command;
import io.warren.model.QueueName;
import io.warren.model.Reply;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code POST /api/queues/{vhost}/{name}/get}: basic.get on behalf of the API.
 *
 * <p>The model gives messages to channels, so the API needs a channel of its own: a
 * pseudo-connection whose id comes from this node run's range of connection ids (reserved from
 * the AMQP server's counter, so no client ever has it). Each call gets up to {@code count}
 * messages on one channel of it, settles them as the ack mode says, and closes the
 * pseudo-connection, which returns whatever the channel still holds to the queue (marked
 * redelivered, as RabbitMQ's requeue does) and leaves no connection behind in the node's broker or
 * the queue partitions. The commands go through the command log like a client's, so a get from a
 * replicated queue is a replicated command. Calls take turns: the pseudo-connection is one.
 */
final class QueueGetter {

  /** RabbitMQ's {@code ackmode} values. */
  enum AckMode {
    ACK_REQUEUE_TRUE("ack_requeue_true"),
    ACK_REQUEUE_FALSE("ack_requeue_false"),
    REJECT_REQUEUE_TRUE("reject_requeue_true"),
    REJECT_REQUEUE_FALSE("reject_requeue_false");

    private final String wire;

    AckMode(String wire) {
      this.wire = wire;
    }

    static AckMode parse(String s) {
      for (AckMode m : values()) {
        if (m.wire.equals(s)) {
          return m;
        }
      }
      throw ApiException.badRequest("ackmode must be one of ack_requeue_true, ack_requeue_false, "
          + "reject_requeue_true, reject_requeue_false; not '" + s + "'");
    }

    boolean requeue() {
      return this == ACK_REQUEUE_TRUE || this == REJECT_REQUEUE_TRUE;
    }
  }

  private final BrokerAccess broker;
  private final long connection;

  /** @param connection the pseudo-connection's id, reserved for it */
  QueueGetter(BrokerAccess broker, long connection) {
    this.broker = broker;
    this.connection = connection;
  }

  /** Up to {@code count} messages from the head of {@code queue}, fewer when it runs out. */
  synchronized List<Reply.GetOk> get(QueueName queue, int count, AckMode mode) {
    ChannelRef channel = new ChannelRef(connection, 1);
    List<Reply.GetOk> got = new ArrayList<>();
    try {
      // ack_requeue_false removes the messages, like an acknowledgement: no-ack is the same in one step.
      boolean noAck = mode == AckMode.ACK_REQUEUE_FALSE;
      for (int i = 0; i < count; i++) {
        Reply r = Replies.check(broker.submit(new Command.Get(channel, queue, noAck)));
        if (!(r instanceof Reply.GetOk ok)) {
          break;
        }
        got.add(ok);
      }
      if (mode == AckMode.REJECT_REQUEUE_FALSE && !got.isEmpty()) {
        long[] ids = got.stream().mapToLong(Reply.GetOk::messageId).toArray();
        Replies.check(broker.submit(new Command.Settle(channel, queue, Command.Outcome.DISCARD, ids)));
      }
    } finally {
      broker.submit(new Command.CloseConnection(connection));
    }
    return got;
  }

  /** The API's answer: each message as RabbitMQ shows it. */
  static List<Map<String, Object>> toJson(List<Reply.GetOk> got, MessageCodec.Encoding encoding, Integer truncate) {
    return got.stream().map(ok -> MessageCodec.toJson(ok, encoding, truncate)).toList();
  }
}
