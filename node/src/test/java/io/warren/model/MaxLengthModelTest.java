package io.warren.model;

import static io.warren.model.TimedDriver.args;
import static io.warren.model.TimedDriver.q;
import static io.warren.model.TimedDriver.text;
import static org.assertj.core.api.Assertions.assertThat;

import io.warren.protocol.ReplyCode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Length limits (x-max-length, x-max-length-bytes) and what x-overflow does at them, in the model. */
class MaxLengthModelTest {
  private final TimedDriver d = new TimedDriver();

  private List<String> readyBodies(String queue) {
    List<String> out = new java.util.ArrayList<>();
    String body;
    while ((body = d.get(queue)) != null) {
      out.add(body);
    }
    return out;
  }

  private List<String> deadBodies() {
    return d.takeDeadLetters().stream().map(x -> text(x.message()) + " " + firstDeath(x.message())).toList();
  }

  private static Object firstDeath(Message m) {
    return ((Arguments) ((List<?>) m.headers().get("x-death")).get(0)).get("reason");
  }

  @Test
  void dropHeadDeadLettersTheOldest() {
    d.declare("q", args("x-max-length", 2, "x-dead-letter-exchange", "dlx"));
    assertThat(d.publish("q", "a")).isEqualTo(Reply.ROUTED);
    d.publish("q", "b");
    assertThat(d.publish("q", "c")).isEqualTo(Reply.ROUTED);
    assertThat(deadBodies()).containsExactly("a maxlen");
    assertThat(readyBodies("q")).containsExactly("b", "c");
  }

  @Test
  void aByteLimitCountsBodiesAndAMessageTooLargeAloneDropsItself() {
    d.declare("q", args("x-max-length-bytes", 3));
    d.publish("q", "abcd");
    assertThat(d.ready("q")).isZero();
    d.publish("q", "ab");
    d.publish("q", "c");
    assertThat(d.broker.queue(q("q")).orElseThrow().readyBytes()).isEqualTo(3);
    d.publish("q", "de");
    assertThat(readyBodies("q")).containsExactly("c", "de");
  }

  @Test
  void messagesHeldByConsumersDoNotCount() {
    d.declare("q", args("x-max-length", 1));
    d.publish("q", "held");
    Reply.GetOk held = d.getOk("q");
    d.publish("q", "ready");
    assertThat(d.ready("q")).isEqualTo(1);
    assertThat(d.broker.queue(q("q")).orElseThrow().unackedCount()).isEqualTo(1);
    // Back in the queue it makes one too many: the head (itself) goes.
    d.ok(new Command.Settle(TimedDriver.CH, q("q"), Command.Outcome.REQUEUE, new long[] {held.messageId()}));
    assertThat(readyBodies("q")).containsExactly("ready");
  }

  @Test
  void rejectPublishRefusesTheNewMessage() {
    d.declare("q", args("x-max-length", 1, "x-overflow", "reject-publish", "x-dead-letter-exchange", "dlx"));
    assertThat(d.publish("q", "in")).isEqualTo(Reply.ROUTED);
    assertThat(d.publish("q", "out")).isEqualTo(Reply.QUEUE_FULL);
    assertThat(d.takeDeadLetters()).isEmpty();
    assertThat(readyBodies("q")).containsExactly("in");
  }

  @Test
  void rejectPublishDlxAlsoDeadLettersIt() {
    d.declare("q", args("x-max-length-bytes", 2, "x-overflow", "reject-publish-dlx", "x-dead-letter-exchange", "dlx"));
    d.publish("q", "in");
    assertThat(d.publish("q", "out")).isEqualTo(Reply.QUEUE_FULL);
    assertThat(deadBodies()).containsExactly("out maxlen");
    assertThat(readyBodies("q")).containsExactly("in");
  }

  @Test
  void rejectPublishAtZeroRefusesEvenWithAConsumerWaiting() {
    d.declare("q", args("x-max-length", 0, "x-overflow", "reject-publish"));
    d.ok(d.consume("q", "c", 0));
    assertThat(d.publish("q", "m")).isEqualTo(Reply.QUEUE_FULL);
    assertThat(d.takeDeliveries()).isEmpty();
  }

  @Test
  void aFullQueueDoesNotKeepTheOthersFromTakingTheMessage() {
    d.ok(new Command.DeclareExchange(new ExchangeName("/", "x"), "fanout", false, false, false, false,
        Arguments.EMPTY));
    d.declare("full", args("x-max-length", 0, "x-overflow", "reject-publish"));
    d.declare("open", Map.of());
    d.ok(new Command.Bind(new ExchangeName("/", "x"), q("full"), "", Arguments.EMPTY, 1));
    d.ok(new Command.Bind(new ExchangeName("/", "x"), q("open"), "", Arguments.EMPTY, 1));
    assertThat(d.reply(new Command.Publish("/", TimedDriver.message("x", "", "m", null, Map.of()))))
        .isEqualTo(Reply.QUEUE_FULL);
    assertThat(readyBodies("open")).containsExactly("m");
  }

  @Test
  void aPartitionRefusesToo() {
    d.declare("q", args("x-max-length", 0, "x-overflow", "reject-publish"));
    d.declare("other", Map.of());
    assertThat(d.reply(new Command.Enqueue(List.of(q("q"), q("other")), TimedDriver.message("", "", "m", null,
        Map.of())))).isEqualTo(Reply.QUEUE_FULL);
    assertThat(d.ready("other")).isEqualTo(1);
  }

  @Test
  void theNodeSaysWhenALocalQueueRefusedAPublishItForwards() {
    Broker node = Broker.withReplicatedStandIns();
    node.apply(new Meta(1, 1), new Command.DeclareExchange(new ExchangeName("/", "x"), "fanout", false, false,
        false, false, Arguments.EMPTY));
    node.apply(new Meta(2, 1), new Command.DeclareQueue(q("durable"), false, true, false, false, Arguments.EMPTY, 1,
        false));
    node.apply(new Meta(3, 1), new Command.DeclareQueue(q("full"), false, false, false, false,
        Arguments.of(args("x-max-length", 0, "x-overflow", "reject-publish")), 1, false));
    node.apply(new Meta(4, 1), new Command.Bind(new ExchangeName("/", "x"), q("durable"), "", Arguments.EMPTY, 1));
    node.apply(new Meta(5, 1), new Command.Bind(new ExchangeName("/", "x"), q("full"), "", Arguments.EMPTY, 1));
    Message m = TimedDriver.message("x", "", "m", null, Map.of());
    assertThat(node.apply(new Meta(6, 1), new Command.Publish("/", m))
        .reply()).isEqualTo(new Reply.Forward(List.of(q("durable")), List.of(), false, true, m));
  }

  @Test
  void invalidLimitsAreRefusedWithRabbitMqsWords() {
    assertRefused(args("x-max-length", -1), "x-max-length", "{value_negative,-1}");
    assertRefused(args("x-max-length", "x"), "x-max-length", "\"expected integer, got longstr\"");
    assertRefused(args("x-max-length-bytes", -1), "x-max-length-bytes", "{value_negative,-1}");
    assertRefused(args("x-overflow", "foo"), "x-overflow", "invalid_overflow");
    assertRefused(args("x-overflow", 1), "x-overflow", "{unacceptable_type,signedint}");
  }

  private void assertRefused(Map<String, Object> arguments, String key, String reason) {
    Reply.Failure f = d.fail(new Command.DeclareQueue(q("bad"), false, false, false, false, Arguments.of(arguments),
        1, false));
    assertThat(f.code()).isEqualTo(ReplyCode.PRECONDITION_FAILED);
    assertThat(f.text()).isEqualTo("invalid arg '" + key + "' for queue 'bad' in vhost '/': " + reason);
  }
}
