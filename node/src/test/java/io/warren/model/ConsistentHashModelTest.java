package io.warren.model;

import static io.warren.model.TimedDriver.args;
import static io.warren.model.TimedDriver.q;
import static org.assertj.core.api.Assertions.assertThat;

import io.warren.protocol.ReplyCode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The x-consistent-hash exchange: weights, one queue per message, stable placement, the plugin's 406s. */
class ConsistentHashModelTest {
  private final TimedDriver d = new TimedDriver();
  private static final ExchangeName X = new ExchangeName("/", "h");

  private void exchange(Map<String, Object> arguments) {
    d.ok(new Command.DeclareExchange(X, "x-consistent-hash", false, true, false, false, Arguments.of(arguments)));
  }

  private Reply bind(String queue, String weight) {
    return d.reply(new Command.Bind(X, q(queue), weight, Arguments.EMPTY, TimedDriver.CH.connection()));
  }

  private void publish(String key, Map<String, Object> headers) {
    assertThat(d.reply(new Command.Publish("/", TimedDriver.message("h", key, "m", null, headers))))
        .isEqualTo(Reply.ROUTED);
  }

  private void queues(String... names) {
    for (String n : names) {
      d.declare(n, Map.of());
    }
  }

  @Test
  void eachMessageGoesToOneQueueInProportionToTheWeights() {
    exchange(Map.of());
    queues("a", "b", "c");
    bind("a", "1");
    bind("b", "2");
    bind("c", "5");
    int n = 8_000;
    for (int i = 0; i < n; i++) {
      publish("key-" + i, Map.of());
    }
    assertThat(d.ready("a") + d.ready("b") + d.ready("c")).isEqualTo(n);
    // expected 1000, 2000, 5000; deterministic, so these bounds never flake
    assertThat(d.ready("a")).isBetween(850, 1150);
    assertThat(d.ready("b")).isBetween(1800, 2200);
    assertThat(d.ready("c")).isBetween(4700, 5300);
  }

  @Test
  void oneKeyAlwaysLandsOnTheSameQueueAndEveryReplicaAgrees() {
    exchange(Map.of());
    queues("a", "b", "c", "d");
    for (String queue : List.of("a", "b", "c", "d")) {
      bind(queue, "1");
    }
    for (int i = 0; i < 50; i++) {
      publish("same", Map.of());
    }
    assertThat(List.of(d.ready("a"), d.ready("b"), d.ready("c"), d.ready("d"))).containsOnly(0, 50);
    assertThat(d.replay()).isEqualTo(d.results);
  }

  @Test
  void removingAQueueMovesOnlyItsKeys() {
    exchange(Map.of());
    queues("a", "b", "c");
    bind("a", "1");
    bind("b", "1");
    bind("c", "1");
    for (int i = 0; i < 300; i++) {
      publish("k" + i, Map.of());
    }
    int a = d.ready("a");
    d.ok(new Command.Unbind(X, q("c"), "1", Arguments.EMPTY, TimedDriver.CH.connection()));
    for (int i = 0; i < 300; i++) {
      publish("k" + i, Map.of());
    }
    assertThat(d.ready("a") - a).as("a keeps its keys and gains some of c's").isGreaterThanOrEqualTo(a);
    assertThat(d.ready("a") + d.ready("b")).isEqualTo(600 - d.ready("c"));
  }

  @Test
  void hashHeaderAndHashPropertyChooseWhatIsHashed() {
    exchange(Map.of("hash-header", "user"));
    queues("a", "b");
    bind("a", "1");
    bind("b", "1");
    for (int i = 0; i < 40; i++) {
      publish("k" + i, args("user", "alice"));
    }
    assertThat(List.of(d.ready("a"), d.ready("b"))).containsOnly(0, 40);
    publish("no-header", Map.of()); // a message without it goes somewhere, as in the plugin
    assertThat(d.ready("a") + d.ready("b")).isEqualTo(41);
  }

  @Test
  void bindingKeysAndArgumentsAreChecked() {
    exchange(Map.of());
    queues("a");
    Reply.Failure f = (Reply.Failure) bind("a", "abc");
    assertThat(f.code()).isEqualTo(ReplyCode.PRECONDITION_FAILED);
    assertThat(f.text()).isEqualTo("The binding key must be an integer: <<\"abc\">>");
    assertThat(((Reply.Failure) bind("a", "0")).text()).isEqualTo("The binding key must be greater than 0");
    assertThat(((Reply.Failure) bind("a", "-1")).text()).isEqualTo("The binding key must be greater than 0");
    assertThat(((Reply.Failure) bind("a", "")).text()).isEqualTo("The binding key must be an integer: <<\"\">>");

    ExchangeName other = new ExchangeName("/", "other");
    f = d.fail(new Command.DeclareExchange(other, "x-consistent-hash", false, false, false, false,
        Arguments.of(args("hash-header", "h", "hash-property", "message_id"))));
    assertThat(f.text()).isEqualTo("hash-header and hash-property are mutually exclusive");
    f = d.fail(new Command.DeclareExchange(other, "x-consistent-hash", false, false, false, false,
        Arguments.of(args("hash-property", "foo"))));
    assertThat(f.text()).isEqualTo("Unsupported property: foo");
  }
}
