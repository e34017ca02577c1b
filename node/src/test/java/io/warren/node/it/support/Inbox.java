package io.warren.node.it.support;

import static org.assertj.core.api.Assertions.fail;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Delivery;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.GetResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A consumer that collects what the broker pushes to it: deliveries in arrival order, and the
 * consumer tag of a server-sent {@code basic.cancel}. Tests take deliveries with {@link #next()},
 * which waits (up to {@link Waits#TIMEOUT}) rather than assuming anything arrived yet.
 */
public final class Inbox extends DefaultConsumer {
  private final BlockingQueue<Delivery> deliveries = new LinkedBlockingQueue<>();
  private final AtomicInteger received = new AtomicInteger();
  private final CompletableFuture<String> cancelledByServer = new CompletableFuture<>();
  private volatile String tag;

  private Inbox(Channel channel) {
    super(channel);
  }

  public static Inbox consume(Channel channel, String queue, boolean autoAck) throws IOException {
    return consume(channel, queue, autoAck, "", false);
  }

  /** Consumes with a client-chosen tag ("" lets the server choose) and the exclusive flag. */
  public static Inbox consume(Channel channel, String queue, boolean autoAck, String tag, boolean exclusive)
      throws IOException {
    Inbox inbox = new Inbox(channel);
    // the tag from consume-ok, known now; DefaultConsumer learns it later, on the dispatch thread
    inbox.tag = channel.basicConsume(queue, autoAck, tag, false, exclusive, Map.of(), inbox);
    return inbox;
  }

  /** Consumes with consumer arguments (e.g. {@code x-priority}), the tag chosen by the server. */
  public static Inbox consume(Channel channel, String queue, boolean autoAck, Map<String, Object> arguments)
      throws IOException {
    Inbox inbox = new Inbox(channel);
    inbox.tag = channel.basicConsume(queue, autoAck, "", false, false, arguments, inbox);
    return inbox;
  }

  /** The consumer tag the server confirmed. */
  public String tag() {
    return tag;
  }

  @Override
  public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties properties, byte[] body) {
    received.incrementAndGet();
    deliveries.add(new Delivery(envelope, properties, body));
  }

  @Override
  public void handleCancel(String consumerTag) {
    cancelledByServer.complete(consumerTag);
  }

  /** The next delivery, waiting for it if needed; fails the test if none comes. */
  public Delivery next() throws InterruptedException {
    Delivery delivery = deliveries.poll(Waits.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    if (delivery == null) {
      fail("no delivery to consumer %s within %s", tag, Waits.TIMEOUT);
    }
    return delivery;
  }

  public List<Delivery> next(int count) throws InterruptedException {
    List<Delivery> result = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      result.add(next());
    }
    return result;
  }

  /** The bodies of the next {@code count} deliveries, as text. */
  public List<String> nextBodies(int count) throws InterruptedException {
    return next(count).stream().map(Inbox::text).toList();
  }

  /** How many deliveries arrived so far, taken or not. */
  public int received() {
    return received.get();
  }

  /** Waits for the server to cancel this consumer and returns the tag it named. */
  public String awaitCancelledByServer() throws Exception {
    return cancelledByServer.get(Waits.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
  }

  public static String text(Delivery delivery) {
    return new String(delivery.getBody(), StandardCharsets.UTF_8);
  }

  /** The body of a {@code basic.get} answer as text; null for get-empty. */
  public static String text(GetResponse response) {
    return response == null ? null : new String(response.getBody(), StandardCharsets.UTF_8);
  }

  public static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
