package io.warren.model;

import static io.warren.model.TimedDriver.args;
import static io.warren.model.TimedDriver.q;
import static io.warren.model.TimedDriver.text;
import static org.assertj.core.api.Assertions.assertThat;

import io.warren.protocol.ReplyCode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Consumer priorities (x-priority) and single active consumer (x-single-active-consumer) in the model. */
class ConsumerPriorityModelTest {
  private final TimedDriver d = new TimedDriver();

  /** A consumer on its own channel {@code channel} of the driver's connection. */
  private void consume(String queue, String tag, int channel, int prefetch, Integer priority) {
    ChannelRef ref = new ChannelRef(TimedDriver.CH.connection(), channel);
    Arguments a = priority == null ? Arguments.EMPTY : Arguments.of(args("x-priority", priority));
    d.ok(new Command.Consume(ref, q(queue), tag, false, false, prefetch, 1000, a));
  }

  private void publish(String queue, int n) {
    for (int i = 0; i < n; i++) {
      d.publish(queue, "m" + i);
    }
  }

  /** Who got what since the last call: tag -> bodies. */
  private Map<String, List<String>> deliveries() {
    Map<String, List<String>> out = new LinkedHashMap<>();
    d.takeDeliveries().forEach(x -> out.computeIfAbsent(x.consumerTag(), k -> new java.util.ArrayList<>())
        .add(text(x.message())));
    return out;
  }

  @Test
  void higherPriorityConsumersGetMessagesWhileTheyHaveRoomSamePriorityRoundRobin() {
    d.declare("q", Map.of());
    consume("q", "lo", 2, 10, 0);
    consume("q", "hiA", 3, 2, 10);
    consume("q", "hiB", 4, 2, 10);
    publish("q", 8);
    // Observed on RabbitMQ 3.10: {hiA=[m0, m2], hiB=[m1, m3], lo=[m4, m5, m6, m7]}.
    assertThat(deliveries()).containsExactlyInAnyOrderEntriesOf(Map.of(
        "hiA", List.of("m0", "m2"), "hiB", List.of("m1", "m3"), "lo", List.of("m4", "m5", "m6", "m7")));
  }

  @Test
  void aFreedHighPriorityConsumerTakesTheNextMessage() {
    d.declare("q", Map.of());
    consume("q", "lo", 2, 0, -5);
    consume("q", "hi", 3, 1, null);
    publish("q", 2);
    List<Effect.Deliver> first = d.takeDeliveries();
    assertThat(first).extracting(x -> x.consumerTag() + " " + text(x.message())).containsExactly("hi m0", "lo m1");
    d.ok(new Command.Settle(new ChannelRef(TimedDriver.CH.connection(), 3), q("q"), Command.Outcome.ACK,
        new long[] {first.get(0).messageId()}));
    d.publish("q", "m2");
    assertThat(deliveries()).containsExactly(Map.entry("hi", List.of("m2")));
  }

  @Test
  void aNonIntegerPriorityIsRefusedWithRabbitMqsText() {
    d.declare("q", Map.of());
    Reply.Failure f = d.fail(new Command.Consume(TimedDriver.CH, q("q"), "c", false, false, 0, 10,
        Arguments.of(args("x-priority", "x"))));
    assertThat(f.code()).isEqualTo(ReplyCode.PRECONDITION_FAILED);
    assertThat(f.text()).isEqualTo("invalid arg 'x-priority' for queue 'q' in vhost '/': \"expected integer, got longstr\"");
  }

  @Test
  void singleActiveConsumerOnlyTheFirstGetsAndTheHighestPriorityWaitingOneTakesOver() {
    d.declare("q", args("x-single-active-consumer", true));
    consume("q", "A0", 2, 2, 0);
    consume("q", "B0", 3, 2, 0);
    consume("q", "C5", 4, 2, 5);
    consume("q", "D5", 5, 2, 5);
    publish("q", 5);
    assertThat(deliveries()).containsExactly(Map.entry("A0", List.of("m0", "m1")));
    // A's channel closes: its messages come back redelivered to the highest priority waiting one,
    // the earliest registered among equals (observed on RabbitMQ 3.10: C5 gets s0*, s1*).
    d.ok(new Command.CloseChannel(new ChannelRef(TimedDriver.CH.connection(), 2)));
    List<Effect.Deliver> got = d.takeDeliveries();
    assertThat(got).extracting(Effect.Deliver::consumerTag).containsOnly("C5");
    assertThat(got).extracting(x -> text(x.message()) + (x.redelivered() ? "*" : "")).containsExactly("m0*", "m1*");
    d.ok(new Command.Cancel(new ChannelRef(TimedDriver.CH.connection(), 4), "C5"));
    assertThat(deliveries()).containsExactly(Map.entry("D5", List.of("m2", "m3")));
    assertThat(d.broker.queue(q("q")).orElseThrow().consumers()).extracting(ConsumerState::tag)
        .containsExactly("D5", "B0");
  }

  @Test
  void singleActiveConsumerIsCheckedAndRefusesExclusiveConsumers() {
    Reply.Failure bad = d.fail(new Command.DeclareQueue(q("b"), false, false, false, false,
        Arguments.of(args("x-single-active-consumer", "true")), TimedDriver.CH.connection(), false));
    assertThat(bad.text()).isEqualTo("invalid arg 'x-single-active-consumer' for queue 'b' in vhost '/': "
        + "{unacceptable_type,longstr}");
    d.declare("q", args("x-single-active-consumer", true));
    Reply.Failure f = d.fail(new Command.Consume(TimedDriver.CH, q("q"), "c", false, true, 0, 10, Arguments.EMPTY));
    assertThat(f.code()).isEqualTo(ReplyCode.ACCESS_REFUSED);
  }
}
