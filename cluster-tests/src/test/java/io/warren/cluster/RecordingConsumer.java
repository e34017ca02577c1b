package io.warren.cluster;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import java.io.IOException;

/**
 * A consumer of one queue that records each delivery in the history before it acks it (so a
 * message acked is always a message recorded), or never acks, to hold what it was given.
 */
final class RecordingConsumer extends DefaultConsumer {
  private final History history;
  private final String queue;
  private final String session;
  private final boolean ack;

  /**
   * @param session the consumer session's name in the history
   * @param ack ack each delivery after recording it; false holds them (up to the prefetch)
   */
  RecordingConsumer(Channel channel, History history, String queue, String session, boolean ack) {
    super(channel);
    this.history = history;
    this.queue = queue;
    this.session = session;
    this.ack = ack;
  }

  /** Consumes {@code queue} on {@code channel} with manual acknowledgement. */
  static void consume(Channel channel, History history, String queue, String session, boolean ack)
      throws IOException {
    channel.basicConsume(queue, false, session + "/" + queue,
        new RecordingConsumer(channel, history, queue, session, ack));
  }

  @Override
  public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties props, byte[] body) {
    history.delivered(new History.Delivery(MessageId.ofBody(body), queue, envelope.isRedeliver(), session));
    if (ack) {
      try {
        getChannel().basicAck(envelope.getDeliveryTag(), false);
      } catch (IOException | RuntimeException e) {
        // The channel is gone (its node died): the message comes back, redelivered, elsewhere.
      }
    }
  }
}
