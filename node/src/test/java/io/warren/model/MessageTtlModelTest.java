package io.warren.model;

import static io.warren.model.TimedDriver.args;
import static io.warren.model.TimedDriver.q;
import static io.warren.model.TimedDriver.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.warren.protocol.ReplyCode;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Message TTL (x-message-ttl and the expiration property) in the model, with time stamped on each
 * command: an expired message is never delivered, a message expires when it is at the head, and
 * TTL 0 means "to a consumer now, or never".
 */
class MessageTtlModelTest {
  private final TimedDriver d = new TimedDriver();

  @Test
  void aMessageOlderThanTheQueueTtlIsNotGot() {
    d.declare("q", args("x-message-ttl", 100));
    d.publish("q", "a");
    d.now += 99;
    assertThat(d.get("q")).isEqualTo("a");

    d.publish("q", "b");
    d.now += 100;
    assertThat(d.get("q")).isNull();
    assertThat(d.ready("q")).isZero();
  }

  @Test
  void aTickDropsWhatExpiredAtTheHeadAndNothingEarlier() {
    d.declare("q", args("x-message-ttl", 1_000));
    d.publish("q", "a");
    d.now += 500;
    d.publish("q", "b");

    d.tickAfter(499);
    assertThat(d.ready("q")).isEqualTo(2);
    assertThat(d.broker.nextDeadline()).isEqualTo(TimedDriver.START + 1_000);
    d.tickAfter(1);
    assertThat(d.ready("q")).isEqualTo(1);
    assertThat(d.broker.nextDeadline()).isEqualTo(TimedDriver.START + 1_500);
    d.tickAfter(500);
    assertThat(d.ready("q")).isZero();
    assertThat(d.broker.nextDeadline()).isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void theLowerOfQueueAndMessageTtlCounts() {
    d.declare("q", args("x-message-ttl", 1_000));
    d.publish("q", "short", "10");
    d.publish("q", "long", "60000");
    d.tickAfter(10);
    assertThat(d.ready("q")).isEqualTo(1);
    d.tickAfter(990);
    assertThat(d.ready("q")).isZero();
  }

  @Test
  void aPerMessageTtlCountsOnlyAtTheHeadButTheMessageIsNeverDelivered() {
    d.declare("q", Map.of());
    d.publish("q", "forever");
    d.publish("q", "brief", "10");
    d.tickAfter(1_000);
    // Behind a message without TTL it is still there (RabbitMQ expires only at the head)...
    assertThat(d.ready("q")).isEqualTo(2);
    assertThat(d.get("q")).isEqualTo("forever");
    // ...but it never goes to anyone.
    assertThat(d.get("q")).isNull();
    assertThat(d.ready("q")).isZero();
  }

  @Test
  void aConsumerNeverGetsAMessageThatExpiredWhileItWaited() {
    d.declare("q", args("x-message-ttl", 100));
    d.ok(d.consume("q", "c", 1));
    d.publish("q", "first");
    d.publish("q", "second");
    Effect.Deliver first = d.takeDeliveries().get(0);
    assertThat(text(first.message())).isEqualTo("first");

    d.now += 100;
    d.ok(new Command.Settle(TimedDriver.CH, q("q"), Command.Outcome.ACK, new long[] {first.messageId()}));
    assertThat(d.takeDeliveries()).isEmpty();
    assertThat(d.ready("q")).isZero();
  }

  @Test
  void aRequeuedMessageKeepsItsExpiry() {
    d.declare("q", args("x-message-ttl", 100));
    d.publish("q", "a");
    Reply.GetOk got = d.getOk("q");
    d.now += 150;
    d.ok(new Command.Settle(TimedDriver.CH, q("q"), Command.Outcome.REQUEUE, new long[] {got.messageId()}));
    assertThat(d.get("q")).isNull();
  }

  @Test
  void aHeldMessageDoesNotExpire() {
    d.declare("q", args("x-message-ttl", 100));
    d.publish("q", "a");
    Reply.GetOk got = d.getOk("q");
    d.tickAfter(1_000);
    assertThat(d.broker.queue(q("q")).orElseThrow().unackedCount()).isEqualTo(1);
    d.ok(new Command.Settle(TimedDriver.CH, q("q"), Command.Outcome.ACK, new long[] {got.messageId()}));
  }

  @Test
  void ttlZeroReachesAConsumerThatCanTakeItAndOtherwiseNobody() {
    d.declare("q", args("x-message-ttl", 0));
    d.publish("q", "unseen");
    assertThat(d.ready("q")).isZero();

    d.ok(d.consume("q", "c", 1));
    d.publish("q", "taken");
    d.publish("q", "too many"); // the consumer's prefetch of 1 is used up
    assertThat(d.takeDeliveries()).extracting(e -> text(e.message())).containsExactly("taken");
    assertThat(d.ready("q")).isZero();
  }

  @Test
  void expirationZeroActsLikeTtlZero() {
    d.declare("q", Map.of());
    d.publish("q", "gone", "0");
    assertThat(d.ready("q")).isZero();
  }

  @Test
  void replicasApplyingTheSameLogExpireTheSameMessages() {
    d.declare("q", args("x-message-ttl", 50));
    d.ok(d.consume("q", "c", 1));
    for (int i = 0; i < 10; i++) {
      d.publish("q", "m" + i, i % 3 == 0 ? "20" : null);
      d.tickAfter(15);
    }
    d.ok(new Command.Cancel(TimedDriver.CH, "c"));
    d.tickAfter(100);
    assertThat(describe(d.replay())).isEqualTo(describe(d.results));
  }

  @Test
  void invalidQueueTtlsAreRefusedWithRabbitMqsWords() {
    assertRefused(args("x-message-ttl", "abc"),
        "invalid arg 'x-message-ttl' for queue 'bad' in vhost '/': \"expected integer, got longstr\"");
    assertRefused(args("x-message-ttl", -1),
        "invalid arg 'x-message-ttl' for queue 'bad' in vhost '/': {value_negative,-1}");
    assertRefused(args("x-message-ttl", 1.5),
        "invalid arg 'x-message-ttl' for queue 'bad' in vhost '/': \"expected integer, got double\"");
    assertRefused(args("x-message-ttl", 315_360_000_001L),
        "invalid arg 'x-message-ttl' for queue 'bad' in vhost '/': {value_too_large,315360000001}");
    d.declare("ok", args("x-message-ttl", (byte) 0));
    d.declare("ok2", args("x-message-ttl", 315_360_000_000L));
  }

  @Test
  void expirationIsReadAsRabbitMqReadsIt() {
    assertThat(Expiration.parse("60000")).isEqualTo(60_000);
    assertThat(Expiration.parse("+10")).isEqualTo(10);
    assertThat(Expiration.parse("-0")).isZero();
    assertThat(Expiration.parse("007")).isEqualTo(7);
    assertInvalid("abc", "invalid expiration 'abc': no_integer");
    assertInvalid("", "invalid expiration '': no_integer");
    assertInvalid(" 10", "invalid expiration ' 10': no_integer");
    assertInvalid("10 ", "invalid expiration '10 ': {leftover_string,\" \"}");
    assertInvalid("1.5", "invalid expiration '1.5': {leftover_string,\".5\"}");
    assertInvalid("-1", "invalid expiration '-1': {value_negative,-1}");
    assertInvalid("315360000001", "invalid expiration '315360000001': {value_too_large,315360000001}");
    assertInvalid("99999999999999999999",
        "invalid expiration '99999999999999999999': {value_too_large,99999999999999999999}");
  }

  private void assertRefused(Map<String, Object> arguments, String text) {
    Reply.Failure f = d.fail(new Command.DeclareQueue(q("bad"), false, false, false, false, Arguments.of(arguments),
        TimedDriver.CH.connection(), false));
    assertThat(f.code()).isEqualTo(ReplyCode.PRECONDITION_FAILED);
    assertThat(f.text()).isEqualTo(text);
  }

  private static void assertInvalid(String expiration, String text) {
    assertThatThrownBy(() -> Expiration.parse(expiration))
        .isInstanceOf(AmqpFailure.class)
        .hasMessage(text)
        .satisfies(e -> assertThat(((AmqpFailure) e).code()).isEqualTo(ReplyCode.PRECONDITION_FAILED));
  }

  /** Results as comparable text (message bodies and headers, not array identities). */
  static String describe(java.util.List<Result> results) {
    StringBuilder s = new StringBuilder();
    for (Result r : results) {
      s.append(r.reply() instanceof Reply.GetOk g ? "GetOk " + g.messageId() + " " + g.message().headers()
          : r.reply().toString());
      for (Effect e : r.effects()) {
        s.append(" | ");
        if (e instanceof Effect.Deliver x) {
          s.append("Deliver ").append(x.messageId()).append(' ').append(text(x.message())).append(' ')
              .append(x.message().headers());
        } else if (e instanceof Effect.DeadLettered x) {
          s.append("DeadLettered ").append(text(x.message())).append(' ').append(x.message().headers());
        } else {
          s.append(e);
        }
      }
      s.append('\n');
    }
    return s.toString();
  }
}
