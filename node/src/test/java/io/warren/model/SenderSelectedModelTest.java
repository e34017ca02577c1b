package io.warren.model;

import static io.warren.model.TimedDriver.args;
import static io.warren.model.TimedDriver.properties;
import static io.warren.model.TimedDriver.q;
import static org.assertj.core.api.Assertions.assertThat;

import io.warren.protocol.ReplyCode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Sender-selected distribution: CC and BCC add routing keys; BCC never reaches a receiver; a
 * queue reached through several keys gets the message once. As RabbitMQ 3.10.8 answers.
 */
class SenderSelectedModelTest {
  private final TimedDriver d = new TimedDriver();

  private void exchange(String name, String type) {
    d.ok(new Command.DeclareExchange(new ExchangeName("/", name), type, false, false, false, false, Arguments.EMPTY));
  }

  private void bind(String exchange, String queue, String key) {
    d.ok(new Command.Bind(new ExchangeName("/", exchange), q(queue), key, Arguments.EMPTY, TimedDriver.CH.connection()));
  }

  private Reply publish(String exchange, String key, Map<String, Object> headers) {
    return d.reply(new Command.Publish("/", TimedDriver.message(exchange, key, "m", null, headers)));
  }

  private void queues(String... names) {
    for (String n : names) {
      d.declare(n, Map.of());
    }
  }

  @Test
  void ccAndBccAddRoutingKeysOnADirectExchangeAndBccIsRemoved() {
    queues("a", "b", "c", "none");
    exchange("d", "direct");
    bind("d", "a", "ka");
    bind("d", "b", "kb");
    bind("d", "c", "kc");
    bind("d", "none", "other");

    assertThat(publish("d", "ka", args("CC", List.of("kb"), "BCC", List.of("kc", "kc", "kb"), "keep", 1)))
        .isEqualTo(Reply.ROUTED);

    for (String queue : List.of("a", "b", "c")) {
      assertThat(d.ready(queue)).as(queue).isEqualTo(1);
      assertThat(d.getOk(queue).message().headers().asMap()).as(queue).containsOnlyKeys("CC", "keep");
    }
    assertThat(d.ready("none")).isZero();
  }

  @Test
  void theStoredMessageHasCcButNoBcc() {
    queues("a", "b");
    exchange("d", "direct");
    bind("d", "a", "ka");
    bind("d", "b", "kb");
    publish("d", "nothing", args("CC", List.of("ka"), "BCC", List.of(new Arguments.Bytes("kb".getBytes()))));
    for (String queue : List.of("a", "b")) {
      Message m = d.getOk(queue).message();
      assertThat(m.headers().asMap()).containsOnlyKeys("CC");
      assertThat(m.headers().get("CC")).isEqualTo(List.of("ka"));
      assertThat(properties(m).headers().entries()).extracting(e -> e.name()).containsExactly("CC");
    }
  }

  @Test
  void topicAndDefaultExchangesTakeSenderSelectedKeysFanoutAndHeadersIgnoreThem() {
    queues("a", "b", "f");
    exchange("t", "topic");
    bind("t", "a", "x.*");
    assertThat(publish("t", "nothing", args("CC", List.of("x.y")))).isEqualTo(Reply.ROUTED);
    assertThat(d.ready("a")).isEqualTo(1);

    assertThat(publish("", "nothing", args("CC", List.of("a"), "BCC", List.of("b")))).isEqualTo(Reply.ROUTED);
    assertThat(d.ready("a")).isEqualTo(2);
    assertThat(d.ready("b")).isEqualTo(1);

    exchange("fan", "fanout");
    bind("fan", "f", "");
    publish("fan", "k", args("BCC", List.of("b"), "CC", List.of("a")));
    assertThat(d.ready("f")).isEqualTo(1);
    assertThat(d.ready("b")).as("fanout routes to its bindings only").isEqualTo(1);
    assertThat(d.getOk("f").message().headers().asMap()).as("BCC goes for every exchange type").containsOnlyKeys("CC");
  }

  @Test
  void nonStringElementsAreIgnoredAndAnythingButAnArrayRefusesThePublish() {
    queues("a", "b");
    exchange("d", "direct");
    bind("d", "b", "kb");
    assertThat(publish("d", "ka", args("CC", List.of(5, "kb")))).isEqualTo(Reply.ROUTED);
    assertThat(d.ready("b")).isEqualTo(1);

    Reply.Failure f = d.fail(new Command.Publish("/", TimedDriver.message("d", "ka", "m", null, args("CC", "kb"))));
    assertThat(f.code()).isEqualTo(ReplyCode.PRECONDITION_FAILED);
    assertThat(f.text()).isEqualTo("invalid message: {unacceptable_type_in_header,\"CC\",longstr}");
    f = d.fail(new Command.Publish("/", TimedDriver.message("d", "ka", "m", null, args("BCC", 1))));
    assertThat(f.text()).isEqualTo("invalid message: {unacceptable_type_in_header,\"BCC\",signedint}");
    assertThat(d.ready("b")).isEqualTo(1);
  }

  @Test
  void aReplicatedTargetIsForwardedWithoutBcc() {
    Broker node = Broker.withReplicatedStandIns(new io.warren.node.amqp.WirePropertiesCodec());
    node.apply(new Meta(1, 1), new Command.DeclareQueue(q("d"), false, true, false, false, Arguments.EMPTY, 1, false));
    Message m = TimedDriver.message("", "nothing", "m", null, args("BCC", List.of("d")));
    Reply.Forward f = (Reply.Forward) node.apply(new Meta(2, 1), new Command.Publish("/", m)).reply();
    assertThat(f.replicated()).containsExactly(q("d"));
    assertThat(f.message().headers().isEmpty()).isTrue();
    assertThat(properties(f.message()).headers()).isNull();
    assertThat(f.message().body()).isEqualTo(m.body());
  }
}
