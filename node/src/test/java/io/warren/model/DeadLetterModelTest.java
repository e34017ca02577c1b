package io.warren.model;

import static io.warren.model.TimedDriver.args;
import static io.warren.model.TimedDriver.properties;
import static io.warren.model.TimedDriver.q;
import static io.warren.model.TimedDriver.text;
import static org.assertj.core.api.Assertions.assertThat;

import io.warren.node.amqp.FieldTables;
import io.warren.protocol.content.BasicProperties;
import io.warren.protocol.ReplyCode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Dead lettering in the model: which deaths produce a dead letter, what the dead-lettered message
 * looks like (RabbitMQ 3.10's x-death and x-first-death-* headers), and how it is routed.
 */
class DeadLetterModelTest {
  private static final ExchangeName DLX = new ExchangeName("/", "dlx");
  private final TimedDriver d = new TimedDriver();

  private void declareDlx(String type) {
    d.ok(new Command.DeclareExchange(DLX, type, false, false, false, false, Arguments.EMPTY));
  }

  private long reject(String queue, boolean requeue) {
    Reply.GetOk got = d.getOk(queue);
    d.ok(new Command.Settle(TimedDriver.CH, q(queue), requeue ? Command.Outcome.REQUEUE : Command.Outcome.DISCARD,
        new long[] {got.messageId()}));
    return got.messageId();
  }

  private static Arguments death(Message m, int index) {
    return (Arguments) ((List<?>) m.headers().get("x-death")).get(index);
  }

  @Test
  void aRejectedMessageIsDeadLetteredWithItsHistory() {
    d.declare("q", args("x-dead-letter-exchange", "dlx"));
    d.reply(new Command.Publish("/", TimedDriver.message("", "q", "m", "60000", Map.of("app", "v"))));
    d.now += 1_999;
    reject("q", false);

    List<Effect.DeadLettered> dead = d.takeDeadLetters();
    assertThat(dead).hasSize(1);
    Message m = dead.get(0).message();
    assertThat(dead.get(0).vhost()).isEqualTo("/");
    assertThat(m.exchange()).isEqualTo("dlx");
    assertThat(m.routingKey()).isEqualTo("q");
    assertThat(text(m)).isEqualTo("m");
    assertThat(m.expiration()).isNull();
    assertThat(m.headers().get("app")).isEqualTo("v");
    assertThat(m.headers().get("x-first-death-reason")).isEqualTo("rejected");
    assertThat(m.headers().get("x-first-death-queue")).isEqualTo("q");
    assertThat(m.headers().get("x-first-death-exchange")).isEqualTo("");
    assertThat(death(m, 0).asMap()).containsExactly(
        Map.entry("count", 1L),
        Map.entry("reason", "rejected"),
        Map.entry("queue", "q"),
        Map.entry("time", new Arguments.Timestamp((TimedDriver.START + 1_999) / 1000)),
        Map.entry("exchange", ""),
        Map.entry("routing-keys", List.of("q")),
        Map.entry("original-expiration", "60000"));
    // What goes on the wire says the same: the headers are re-encoded, the expiration is gone.
    BasicProperties wire = properties(m);
    assertThat(wire.expiration()).isNull();
    assertThat(wire.contentType()).isEqualTo("text/plain");
    assertThat(FieldTables.toArguments(wire.headers())).isEqualTo(m.headers());
  }

  @Test
  void withoutADeadLetterExchangeADeathLeavesNoTrace() {
    d.declare("q", args("x-message-ttl", 10));
    d.publish("q", "m");
    reject("q", false);
    d.publish("q", "n");
    d.tickAfter(10);
    assertThat(d.takeDeadLetters()).isEmpty();
  }

  @Test
  void eachKindOfDeathSaysWhy() {
    d.declare("ttl", args("x-dead-letter-exchange", "dlx", "x-message-ttl", 10));
    d.publish("ttl", "expired");
    d.tickAfter(10);
    d.declare("len", args("x-dead-letter-exchange", "dlx", "x-max-length", 1));
    d.publish("len", "oldest");
    d.publish("len", "newest");
    d.declare("lim", args("x-dead-letter-exchange", "dlx", "x-delivery-limit", 0));
    d.publish("lim", "poison");
    reject("lim", true);

    assertThat(d.takeDeadLetters()).extracting(x -> text(x.message()) + " " + death(x.message(), 0).get("reason"))
        .containsExactly("expired expired", "oldest maxlen", "poison delivery_limit");
  }

  @Test
  void aDeadLetterRoutingKeyReplacesTheKeysAndDropsCc() {
    d.declare("q", args("x-dead-letter-exchange", "dlx", "x-dead-letter-routing-key", "dead"));
    d.reply(new Command.Publish("/", TimedDriver.message("", "q", "m", null, Map.of("CC", List.of("also")))));
    reject("q", false);
    Message m = d.takeDeadLetters().get(0).message();
    assertThat(m.routingKey()).isEqualTo("dead");
    assertThat(m.headers().containsKey("CC")).isFalse();
    assertThat(death(m, 0).get("routing-keys")).isEqualTo(List.of("q", "also"));
  }

  @Test
  void dyingAgainInTheSameQueueForTheSameReasonCountsUp() {
    d.declare("a", args("x-dead-letter-exchange", "dlx"));
    d.declare("b", args("x-dead-letter-exchange", "dlx"));
    d.publish("a", "m");
    reject("a", false);
    Message once = d.takeDeadLetters().get(0).message();
    long firstTime = TimedDriver.START / 1000;

    d.now += 5_000;
    d.reply(new Command.Publish("/", new Message("", "a", once.properties(), once.body(), once.headers(), false)));
    reject("a", false);
    Message twice = d.takeDeadLetters().get(0).message();
    assertThat((List<?>) twice.headers().get("x-death")).hasSize(1);
    assertThat(death(twice, 0).get("count")).isEqualTo(2L);
    assertThat(death(twice, 0).get("time")).isEqualTo(new Arguments.Timestamp(firstTime));

    d.reply(new Command.Publish("/", new Message("", "b", twice.properties(), twice.body(), twice.headers(), false)));
    reject("b", false);
    Message third = d.takeDeadLetters().get(0).message();
    assertThat((List<?>) third.headers().get("x-death")).extracting(x -> ((Arguments) x).get("queue"))
        .containsExactly("b", "a");
    assertThat(third.headers().get("x-first-death-queue")).isEqualTo("a");
  }

  @Test
  void aDeadLetterIsRoutedThroughItsExchangeEvenAnInternalOne() {
    d.ok(new Command.DeclareExchange(DLX, "fanout", false, false, false, true, Arguments.EMPTY));
    d.declare("dlq", Map.of());
    d.ok(new Command.Bind(DLX, q("dlq"), "", Arguments.EMPTY, 1));
    d.declare("q", args("x-dead-letter-exchange", "dlx"));
    d.publish("q", "m");
    reject("q", false);
    Effect.DeadLettered dead = d.takeDeadLetters().get(0);

    assertThat(d.reply(new Command.DeadLetter(dead.vhost(), dead.message()))).isEqualTo(Reply.ROUTED);
    Reply.GetOk got = d.getOk("dlq");
    assertThat(text(got.message())).isEqualTo("m");
    assertThat(got.message().exchange()).isEqualTo("dlx");
  }

  @Test
  void aMissingDeadLetterExchangeDropsTheMessageSilently() {
    d.declare("q", args("x-dead-letter-exchange", "nowhere"));
    d.publish("q", "m");
    reject("q", false);
    Effect.DeadLettered dead = d.takeDeadLetters().get(0);
    assertThat(d.reply(new Command.DeadLetter(dead.vhost(), dead.message()))).isEqualTo(Reply.UNROUTED);
  }

  @Test
  void anAutomaticCycleEndsButARejectionKeepsItGoing() {
    // "q" dead-letters to the default exchange under its own name: straight back into itself.
    d.declare("q", args("x-dead-letter-exchange", "", "x-message-ttl", 10));
    d.publish("q", "m");
    d.tickAfter(10);
    Effect.DeadLettered expired = d.takeDeadLetters().get(0);
    assertThat(d.reply(new Command.DeadLetter("/", expired.message()))).isEqualTo(Reply.UNROUTED);
    assertThat(d.ready("q")).isZero();

    d.publish("q", "n");
    reject("q", false);
    Effect.DeadLettered rejected = d.takeDeadLetters().get(0);
    assertThat(d.reply(new Command.DeadLetter("/", rejected.message()))).isEqualTo(Reply.ROUTED);
    assertThat(d.ready("q")).isEqualTo(1);
  }

  @Test
  void aReplicatedTargetIsLeftToTheCommandLog() {
    Broker node = Broker.withReplicatedStandIns(new io.warren.node.amqp.WirePropertiesCodec());
    node.apply(new Meta(1, 1), new Command.DeclareQueue(q("dlq"), false, true, false, false, Arguments.EMPTY, 1,
        false));
    Message dead = TimedDriver.message("", "dlq", "m", null, Map.of());
    assertThat(node.apply(new Meta(2, 2), new Command.DeadLetter("/", dead)).reply())
        .isEqualTo(new Reply.Forward(List.of(q("dlq")), List.of(), false, false, dead));
  }

  @Test
  void invalidDeadLetterArgumentsAreRefusedWithRabbitMqsWords() {
    assertRefused(args("x-dead-letter-exchange", 1),
        "invalid type 'signedint' for arg 'x-dead-letter-exchange' in queue 'bad' in vhost '/'");
    assertRefused(args("x-dead-letter-exchange", "dlx", "x-dead-letter-routing-key", 1),
        "invalid arg 'x-dead-letter-routing-key' for queue 'bad' in vhost '/': {unacceptable_type,signedint}");
    assertRefused(args("x-dead-letter-routing-key", "rk"),
        "invalid arg 'x-dead-letter-routing-key' for queue 'bad' in vhost '/': routing_key_but_no_dlx_defined");
  }

  private void assertRefused(Map<String, Object> arguments, String text) {
    Reply.Failure f = d.fail(new Command.DeclareQueue(q("bad"), false, false, false, false, Arguments.of(arguments),
        1, false));
    assertThat(f.code()).isEqualTo(ReplyCode.PRECONDITION_FAILED);
    assertThat(f.text()).isEqualTo(text);
  }
}
