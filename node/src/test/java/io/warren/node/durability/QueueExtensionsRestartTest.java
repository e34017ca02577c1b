package io.warren.node.durability;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.MessageProperties;
import io.warren.node.it.support.Inbox;
import io.warren.node.it.support.Waits;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * RabbitMQ's queue extensions on durable queues across a restart of the node: a TTL that runs out
 * while the node is down is honoured when it comes back (and the message dead-lettered), one that
 * has not stays in force; a queue's x-expires lease starts again; delivery counts are kept.
 */
class QueueExtensionsRestartTest {
  @TempDir Path dataDir;
  private RestartableNode node;

  @BeforeEach
  void start() throws Exception {
    node = new RestartableNode(dataDir).start();
  }

  @AfterEach
  void stop() {
    node.close();
  }

  @Test
  void aTtlThatRunsOutWhileTheNodeIsDownIsHonouredWhenItComesBack() throws Exception {
    Channel ch = node.connect().createChannel();
    ch.confirmSelect();
    ch.queueDeclare("short-ttl", true, false, false, Map.of("x-message-ttl", 1_000));
    ch.queueDeclare("long-ttl", true, false, false, Map.of("x-message-ttl", 600_000));
    ch.queueDeclare("plain", true, false, false, null);
    long published = System.currentTimeMillis();
    publish(ch, "short-ttl", MessageProperties.PERSISTENT_TEXT_PLAIN, "short");
    publish(ch, "long-ttl", MessageProperties.PERSISTENT_TEXT_PLAIN, "long");
    publish(ch, "plain", expiring("1000"), "expiring");
    publish(ch, "plain", MessageProperties.PERSISTENT_TEXT_PLAIN, "kept");
    ch.waitForConfirmsOrDie(Waits.TIMEOUT.toMillis());

    node.stop();
    Waits.await().until(() -> System.currentTimeMillis() > published + 1_000);
    node.start();

    Channel after = node.connect().createChannel();
    assertThat(after.basicGet("short-ttl", true)).isNull();
    assertThat(Inbox.text(after.basicGet("long-ttl", true))).isEqualTo("long");
    assertThat(Inbox.text(after.basicGet("plain", true))).isEqualTo("kept");
    Waits.await().until(() -> after.queueDeclarePassive("short-ttl").getMessageCount() == 0);
  }

  @Test
  void aTtlStillRunningAtTheRestartRunsOutAfterIt() throws Exception {
    Channel ch = node.connect().createChannel();
    ch.confirmSelect();
    ch.queueDeclare("q", true, false, false, null);
    publish(ch, "q", expiring("3000"), "later");
    ch.waitForConfirmsOrDie(Waits.TIMEOUT.toMillis());

    node.stop();
    node.start();

    Channel after = node.connect().createChannel();
    Waits.await().until(() -> after.queueDeclarePassive("q").getMessageCount() == 0);
    assertThat(after.basicGet("q", true)).isNull();
  }

  @Test
  void aMessageThatExpiredWhileTheNodeWasDownIsDeadLetteredWhenItComesBack() throws Exception {
    Channel ch = node.connect().createChannel();
    ch.confirmSelect();
    ch.exchangeDeclare("dlx", "fanout", true);
    ch.queueDeclare("dlq", true, false, false, null);
    ch.queueBind("dlq", "dlx", "");
    ch.queueDeclare("source", true, false, false, Map.of("x-message-ttl", 1_000, "x-dead-letter-exchange", "dlx"));
    long published = System.currentTimeMillis();
    publish(ch, "source", MessageProperties.PERSISTENT_TEXT_PLAIN, "m");
    ch.waitForConfirmsOrDie(Waits.TIMEOUT.toMillis());

    node.stop();
    Waits.await().until(() -> System.currentTimeMillis() > published + 1_000);
    node.start();

    Channel after = node.connect().createChannel();
    GetResponse dead = Waits.await().until(() -> after.basicGet("dlq", true), r -> r != null);
    assertThat(Inbox.text(dead)).isEqualTo("m");
    assertThat(dead.getProps().getHeaders().get("x-first-death-reason")).hasToString("expired");
    assertThat(after.queueDeclarePassive("source").getMessageCount()).isZero();
  }

  @Test
  void aRestartStartsTheLeaseOfADurableQueueAgain() throws Exception {
    Channel ch = node.connect().createChannel();
    ch.queueDeclare("leased", true, false, false, Map.of("x-expires", 2_000));
    long declared = System.currentTimeMillis();

    node.stop();
    Waits.await().until(() -> System.currentTimeMillis() > declared + 2_000);
    node.start();

    // As in RabbitMQ the lease starts again at the restart: the queue is still there...
    Channel after = node.connect().createChannel();
    after.confirmSelect();
    AtomicInteger returned = new AtomicInteger();
    after.addReturnListener(r -> returned.incrementAndGet());
    after.basicPublish("", "leased", true, MessageProperties.PERSISTENT_TEXT_PLAIN, Inbox.bytes("probe"));
    after.waitForConfirmsOrDie(Waits.TIMEOUT.toMillis());
    assertThat(returned.get()).isZero();
    // ...until it goes unused for its x-expires.
    Waits.await().until(() -> {
      after.basicPublish("", "leased", true, MessageProperties.PERSISTENT_TEXT_PLAIN, Inbox.bytes("probe"));
      after.waitForConfirmsOrDie(Waits.TIMEOUT.toMillis());
      return returned.get() > 0;
    });
  }

  @Test
  void deliveryCountsSurviveARestart() throws Exception {
    Channel ch = node.connect().createChannel();
    ch.confirmSelect();
    ch.queueDeclare("poison", true, false, false, Map.of("x-queue-type", "quorum", "x-delivery-limit", 1));
    publish(ch, "poison", MessageProperties.PERSISTENT_TEXT_PLAIN, "m");
    ch.waitForConfirmsOrDie(Waits.TIMEOUT.toMillis());
    GetResponse first = ch.basicGet("poison", false);
    ch.basicReject(first.getEnvelope().getDeliveryTag(), true);
    Waits.await().until(() -> ch.queueDeclarePassive("poison").getMessageCount() == 1);

    node.stop();
    node.start();

    Channel after = node.connect().createChannel();
    GetResponse second = after.basicGet("poison", false);
    assertThat(second.getProps().getHeaders().get("x-delivery-count")).isEqualTo(1L);
    after.basicReject(second.getEnvelope().getDeliveryTag(), true); // one return more than the limit
    Waits.await().until(() -> after.queueDeclarePassive("poison").getMessageCount() == 0);
    assertThat(after.basicGet("poison", true)).isNull();
  }

  @Test
  void aDurablePriorityQueueKeepsItsPriorityOrderAcrossARestart() throws Exception {
    Channel ch = node.connect().createChannel();
    ch.confirmSelect();
    ch.queueDeclare("prioritized", true, false, false, Map.of("x-max-priority", 10));
    String[][] published = {{"1", "low"}, {"5", "mid-1"}, {"9", "high"}, {"0", "none"}, {"5", "mid-2"}, {"3", "lowish"}};
    for (String[] m : published) {
      publish(ch, "prioritized", MessageProperties.PERSISTENT_TEXT_PLAIN.builder().priority(Integer.parseInt(m[0]))
          .build(), m[1]);
    }
    ch.waitForConfirmsOrDie(Waits.TIMEOUT.toMillis());

    node.stop();
    node.start();

    Channel after = node.connect().createChannel();
    java.util.List<String> order = new java.util.ArrayList<>();
    GetResponse r;
    while ((r = after.basicGet("prioritized", true)) != null) {
      order.add(Inbox.text(r));
      assertThat(r.getEnvelope().isRedeliver()).as("never delivered before the restart").isFalse();
    }
    assertThat(order).containsExactly("high", "mid-1", "mid-2", "lowish", "low", "none");
  }

  static AMQP.BasicProperties expiring(String expiration) {
    return MessageProperties.PERSISTENT_TEXT_PLAIN.builder().expiration(expiration).build();
  }

  static void publish(Channel ch, String queue, AMQP.BasicProperties props, String body) throws Exception {
    ch.basicPublish("", queue, props, Inbox.bytes(body));
  }
}
