package io.warren.node.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Delivery;
import com.rabbitmq.client.GetResponse;
import io.warren.node.it.support.Broker;
import io.warren.node.it.support.Inbox;
import io.warren.node.it.support.Waits;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Priority queues (x-max-priority), consumer priorities (x-priority) and single active consumer
 * (x-single-active-consumer), for a durable and a transient queue, as RabbitMQ 3.10 behaves.
 */
class PriorityTest {
  @RegisterExtension static final Broker broker = Broker.standard();

  private static void publish(Channel ch, String queue, Integer priority, String body) throws Exception {
    ch.confirmSelect();
    AMQP.BasicProperties props = new AMQP.BasicProperties.Builder().deliveryMode(2).priority(priority).build();
    ch.basicPublish("", queue, props, Inbox.bytes(body));
    ch.waitForConfirmsOrDie(Waits.TIMEOUT.toMillis());
  }

  @ParameterizedTest(name = "durable={0}")
  @ValueSource(booleans = {true, false})
  void higherPrioritiesComeFirstAndARequeueKeepsItsPlace(boolean durable) throws Exception {
    Channel ch = broker.channel();
    String queue = broker.queueName();
    ch.queueDeclare(queue, durable, false, false, Map.of("x-max-priority", 3));
    for (String s : List.of("a2", "b9", "c2", "d-", "e3", "f0")) {
      publish(ch, queue, s.endsWith("-") ? null : Integer.parseInt(s.substring(1)), s);
    }
    GetResponse first = ch.basicGet(queue, false);
    GetResponse second = ch.basicGet(queue, false);
    assertThat(List.of(Inbox.text(first), Inbox.text(second))).containsExactly("b9", "e3");
    ch.basicNack(second.getEnvelope().getDeliveryTag(), false, true);
    ch.basicNack(first.getEnvelope().getDeliveryTag(), false, true);
    Waits.await().until(() -> ch.queueDeclarePassive(queue).getMessageCount() == 6);
    List<String> order = new ArrayList<>();
    GetResponse r;
    while ((r = ch.basicGet(queue, true)) != null) {
      order.add(Inbox.text(r) + (r.getEnvelope().isRedeliver() ? "*" : ""));
    }
    assertThat(order).containsExactly("b9*", "e3*", "a2", "c2", "d-", "f0");
  }

  @ParameterizedTest(name = "durable={0}")
  @ValueSource(booleans = {true, false})
  void higherPriorityConsumersGetMessagesWhileTheyHaveRoom(boolean durable) throws Exception {
    Channel ch = broker.channel();
    String queue = broker.queueName();
    ch.queueDeclare(queue, durable, false, false, null);
    Channel lowChannel = broker.channel();
    lowChannel.basicQos(10);
    Inbox low = Inbox.consume(lowChannel, queue, false, Map.of("x-priority", 0));
    List<Inbox> high = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      Channel c = broker.channel();
      c.basicQos(2);
      high.add(Inbox.consume(c, queue, false, Map.of("x-priority", 10)));
    }
    for (int i = 0; i < 8; i++) {
      publish(ch, queue, null, "m" + i);
    }
    List<String> highGot = new ArrayList<>();
    for (Inbox h : high) {
      highGot.addAll(h.nextBodies(2));
    }
    assertThat(highGot).containsExactlyInAnyOrder("m0", "m1", "m2", "m3");
    assertThat(low.nextBodies(4)).containsExactly("m4", "m5", "m6", "m7");
  }

  @ParameterizedTest(name = "durable={0}")
  @ValueSource(booleans = {true, false})
  void aSingleActiveConsumerHandsOverWhenItsChannelCloses(boolean durable) throws Exception {
    Channel ch = broker.channel();
    String queue = broker.queueName();
    ch.queueDeclare(queue, durable, false, false, Map.of("x-single-active-consumer", true));
    Channel first = broker.channel();
    first.basicQos(2);
    Inbox active = Inbox.consume(first, queue, false);
    Channel second = broker.channel();
    second.basicQos(2);
    Inbox waiting = Inbox.consume(second, queue, false);
    Channel third = broker.channel();
    third.basicQos(2);
    Inbox preferred = Inbox.consume(third, queue, false, Map.of("x-priority", 5));
    for (int i = 0; i < 3; i++) {
      publish(ch, queue, null, "m" + i);
    }
    assertThat(active.nextBodies(2)).containsExactly("m0", "m1");
    assertThat(ch.queueDeclarePassive(queue).getMessageCount()).isEqualTo(1); // nobody else took m2

    first.close();
    // The waiting consumer with the highest priority takes over and gets what the first held.
    List<Delivery> handed = preferred.next(2);
    assertThat(handed).extracting(Inbox::text).containsExactly("m0", "m1");
    assertThat(handed).allMatch(d -> d.getEnvelope().isRedeliver());
    assertThat(waiting.received()).isZero();
  }
}
