package io.warren.model;

import static io.warren.model.TimedDriver.CH;
import static io.warren.model.TimedDriver.args;
import static io.warren.model.TimedDriver.q;
import static io.warren.model.TimedDriver.text;
import static org.assertj.core.api.Assertions.assertThat;

import io.warren.protocol.ReplyCode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Priority queues (x-max-priority) in the model, with the semantics RabbitMQ 3.10 shows. */
class PriorityModelTest {
  private final TimedDriver d = new TimedDriver();

  /** A message with {@code priority}, or none when null. */
  static Message withPriority(String queue, String body, Integer priority, String expiration) {
    Message m = TimedDriver.message("", queue, body, expiration, Map.of());
    return new Message(m.exchange(), m.routingKey(), m.properties(), m.body(), m.headers(), m.persistent(),
        m.expiration(), priority == null ? 0 : priority);
  }

  private Reply publish(String queue, String body, Integer priority) {
    return d.reply(new Command.Publish("/", withPriority(queue, body, priority, null)));
  }

  private List<String> drain(String queue) {
    List<String> out = new ArrayList<>();
    String body;
    while ((body = d.get(queue)) != null) {
      out.add(body);
    }
    return out;
  }

  @Test
  void higherPriorityFirstFifoWithinAPriorityAboveTheMaxCountsAsTheMax() {
    d.declare("q", args("x-max-priority", 3));
    publish("q", "a2", 2);
    publish("q", "b9", 9);
    publish("q", "c2", 2);
    publish("q", "d-", null);
    publish("q", "e3", 3);
    publish("q", "f0", 0);
    assertThat(drain("q")).containsExactly("b9", "e3", "a2", "c2", "d-", "f0");
  }

  @Test
  void aQueueWithoutMaxPriorityIgnoresPriorities() {
    d.declare("q", args("x-max-priority", 0));
    publish("q", "a", 1);
    publish("q", "b", 9);
    assertThat(drain("q")).containsExactly("a", "b");
  }

  @Test
  void requeuedMessagesGoBackToTheirPlaceWithinTheirPriority() {
    d.declare("q", args("x-max-priority", 3));
    for (String s : List.of("a2", "b9", "c2", "d0", "e3", "f2")) {
      publish("q", s, Integer.parseInt(s.substring(1)));
    }
    Reply.GetOk g1 = d.getOk("q");
    Reply.GetOk g2 = d.getOk("q");
    Reply.GetOk g3 = d.getOk("q");
    assertThat(List.of(text(g1.message()), text(g2.message()), text(g3.message()))).containsExactly("b9", "e3", "a2");
    for (Reply.GetOk g : List.of(g2, g3, g1)) {
      d.ok(new Command.Settle(CH, q("q"), Command.Outcome.REQUEUE, new long[] {g.messageId()}));
    }
    // Observed on RabbitMQ 3.10: [b9*, e3*, a2*, c2, f2, d0].
    assertThat(drain("q")).containsExactly("b9", "e3", "a2", "c2", "f2", "d0");
  }

  @Test
  void dropHeadDropsTheHighestPriorityHeadAsRabbitMqDoes() {
    d.declare("q", args("x-max-priority", 5, "x-max-length", 3));
    publish("q", "a1", 1);
    publish("q", "b5", 5);
    publish("q", "c0", 0);
    publish("q", "d3", 3);
    publish("q", "e-", null);
    // Observed on RabbitMQ 3.10: the head (highest priority) goes.
    assertThat(drain("q")).containsExactly("a1", "c0", "e-");
  }

  @Test
  void expiredMessagesGoWhenTheyReachTheHead() {
    d.declare("q", args("x-max-priority", 3, "x-dead-letter-exchange", ""));
    d.reply(new Command.Publish("/", withPriority("q", "x1", 1, "50")));
    publish("q", "y3", 3);
    d.tickAfter(100);
    // y3 is the head and lives: x1 waits behind it, expired (as RabbitMQ only looks at the head).
    assertThat(d.ready("q")).isEqualTo(2);
    assertThat(d.get("q")).isEqualTo("y3");
    assertThat(d.get("q")).isNull();
    assertThat(d.takeDeadLetters()).hasSize(1);
  }

  @Test
  void consumersGetHighPriorityMessagesFirstAndRestoredMessagesKeepTheirPriority() {
    d.declare("q", args("x-max-priority", 2));
    publish("q", "low", 0);
    publish("q", "high", 2);
    d.ok(d.consume("q", "c", 1));
    assertThat(d.takeDeliveries()).extracting(x -> text(x.message())).containsExactly("high");

    Broker restored = new Broker();
    restored.apply(new Meta(1, TimedDriver.START), new Command.DeclareQueue(q("q"), false, false, false, false,
        Arguments.of(args("x-max-priority", 2)), 1, false));
    restored.restoreMessage(q("q"), 1, withPriority("q", "low", 0, null), false);
    restored.restoreMessage(q("q"), 2, withPriority("q", "high", 2, null), false);
    assertThat(restored.queue(q("q")).orElseThrow().readyIds()).containsExactly(2L, 1L);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "256 | invalid arg 'x-max-priority' for queue 'q' in vhost '/': {max_value_exceeded,256}",
      "-1  | invalid arg 'x-max-priority' for queue 'q' in vhost '/': {value_negative,-1}",
      "x   | invalid arg 'x-max-priority' for queue 'q' in vhost '/': \"expected integer, got longstr\""})
  void invalidMaxPrioritiesAreRefusedWithRabbitMqsText(String value, String text) {
    Object arg = value.equals("x") ? "x" : Integer.parseInt(value);
    Reply.Failure f = d.fail(new Command.DeclareQueue(q("q"), false, false, false, false,
        Arguments.of(args("x-max-priority", arg)), CH.connection(), false));
    assertThat(f.code()).isEqualTo(ReplyCode.PRECONDITION_FAILED);
    assertThat(f.text()).isEqualTo(text);
  }
}
