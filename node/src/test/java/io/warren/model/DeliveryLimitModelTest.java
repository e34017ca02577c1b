package io.warren.model;

import static io.warren.model.TimedDriver.args;
import static io.warren.model.TimedDriver.properties;
import static io.warren.model.TimedDriver.q;
import static io.warren.model.TimedDriver.text;
import static org.assertj.core.api.Assertions.assertThat;

import io.warren.node.amqp.FieldTables;
import io.warren.protocol.ReplyCode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The delivery limit (x-delivery-limit) and x-delivery-count in the model, as a RabbitMQ 3.10
 * quorum queue has them: every return counts, and a message returned more often than the limit
 * dies (dropped, or dead-lettered with reason delivery_limit).
 */
class DeliveryLimitModelTest {
  private final TimedDriver d = new TimedDriver();

  private Reply.GetOk requeueAfterGet(String queue) {
    Reply.GetOk got = d.getOk(queue);
    d.ok(new Command.Settle(TimedDriver.CH, q(queue), Command.Outcome.REQUEUE, new long[] {got.messageId()}));
    return got;
  }

  private static Object deliveryCount(Message m) {
    return m.headers().get("x-delivery-count");
  }

  @Test
  void aMessageReturnedMoreOftenThanTheLimitDies() {
    d.declare("q", args("x-delivery-limit", 2, "x-dead-letter-exchange", "dlx"));
    d.publish("q", "poison");
    List<Object> counts = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      counts.add(deliveryCount(requeueAfterGet("q").message()));
    }
    assertThat(counts).containsExactly(0L, 1L, 2L);
    assertThat(d.ready("q")).isZero();
    Message dead = d.takeDeadLetters().get(0).message();
    assertThat(dead.headers().get("x-first-death-reason")).isEqualTo("delivery_limit");
  }

  @Test
  void consumersSeeTheCountOnRedeliveriesOnly() {
    d.declare("q", args("x-delivery-limit", 5));
    d.publish("q", "m");
    d.ok(d.consume("q", "c", 1));
    Effect.Deliver first = d.takeDeliveries().get(0);
    assertThat(first.message().headers().containsKey("x-delivery-count")).isFalse();
    d.ok(new Command.Settle(TimedDriver.CH, q("q"), Command.Outcome.REQUEUE, new long[] {first.messageId()}));
    Effect.Deliver second = d.takeDeliveries().get(0);
    assertThat(second.redelivered()).isTrue();
    assertThat(deliveryCount(second.message())).isEqualTo(1L);
    // The header is on the wire too, next to the message's own.
    assertThat(FieldTables.toArguments(properties(second.message()).headers()).get("x-delivery-count"))
        .isEqualTo(1L);
  }

  @Test
  void aClosedChannelsReturnsCountToo() {
    d.declare("q", args("x-delivery-limit", 0));
    d.publish("q", "m");
    d.getOk("q");
    d.ok(new Command.CloseChannel(TimedDriver.CH));
    assertThat(d.ready("q")).isZero();
  }

  @Test
  void aQuorumQueueCountsWithoutALimitAndAClassicOneDoesNot() {
    d.declare("quorum", true, args("x-queue-type", "quorum")); // a quorum queue must be durable
    d.declare("classic", Map.of());
    d.publish("quorum", "m");
    d.publish("classic", "m");
    for (int i = 0; i < 10; i++) {
      requeueAfterGet("quorum");
      requeueAfterGet("classic");
    }
    assertThat(deliveryCount(d.getOk("quorum").message())).isEqualTo(10L);
    assertThat(d.getOk("classic").message().headers().containsKey("x-delivery-count")).isFalse();
  }

  @Test
  void theCountIsReportedForTheStoreAndRestored() {
    List<Integer> reported = new ArrayList<>();
    d.broker.setChanges(new Changes() {
      @Override
      public void deliveryCounted(QueueState queue, long id, Message message, int count) {
        reported.add(count);
      }
    });
    d.declare("q", args("x-delivery-limit", 10));
    d.publish("q", "m");
    requeueAfterGet("q");
    requeueAfterGet("q");
    assertThat(reported).containsExactly(1, 2);

    Broker restored = new Broker(new io.warren.node.amqp.WirePropertiesCodec());
    restored.apply(new Meta(1, TimedDriver.START), new Command.DeclareQueue(q("q"), false, true, false, false,
        Arguments.of(args("x-delivery-limit", 10)), 0, true));
    restored.restoreMessage(q("q"), 1, TimedDriver.message("", "q", "m", null, Map.of()), true, Long.MAX_VALUE, 2);
    Reply.GetOk got = (Reply.GetOk) restored.apply(new Meta(2, TimedDriver.START),
        new Command.Get(TimedDriver.CH, q("q"), true)).reply();
    assertThat(text(got.message())).isEqualTo("m");
    assertThat(deliveryCount(got.message())).isEqualTo(2L);
  }

  @Test
  void invalidLimitsAreRefused() {
    Reply.Failure f = d.fail(new Command.DeclareQueue(q("bad"), false, false, false, false,
        Arguments.of("x-delivery-limit", -1), 1, false));
    assertThat(f.code()).isEqualTo(ReplyCode.PRECONDITION_FAILED);
    assertThat(f.text()).isEqualTo("invalid arg 'x-delivery-limit' for queue 'bad' in vhost '/': {value_negative,-1}");
  }
}
