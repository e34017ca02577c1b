package io.warren.model;

import static io.warren.model.TimedDriver.args;
import static io.warren.model.TimedDriver.q;
import static io.warren.model.TimedDriver.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Policies in the model: which one applies, how it combines with queue arguments, and when it takes effect. */
class PolicyModelTest {
  private final TimedDriver d = new TimedDriver();

  private static Policy policy(String name, String pattern, int priority, Map<String, Object> definition) {
    return new Policy("/", name, pattern, Policy.ApplyTo.ALL, priority, Arguments.of(definition));
  }

  private void set(Policy p) {
    d.ok(new Command.SetPolicy(p));
  }

  private QueueSettings settings(String queue) {
    return d.broker.queue(q(queue)).orElseThrow().settings();
  }

  @Test
  void theHighestPriorityAppliesAndATieGoesToTheNameThatSortsFirst() {
    d.declare("orders", Map.of());
    set(policy("b", "^ord", 1, Map.of("max-length", 1)));
    set(policy("a", "ers$", 1, Map.of("max-length", 2)));
    assertThat(d.broker.queue(q("orders")).orElseThrow().policy().name()).isEqualTo("a");
    set(policy("c", "d", 2, Map.of("max-length", 3)));
    assertThat(settings("orders").maxLength()).isEqualTo(3);
    set(policy("d", "nomatch", 9, Map.of("max-length", 4)));
    assertThat(settings("orders").maxLength()).isEqualTo(3);
  }

  @Test
  void aPolicyForExchangesOnlyDoesNotApplyToQueues() {
    d.declare("q", Map.of());
    set(new Policy("/", "x", ".", Policy.ApplyTo.EXCHANGES, 0, Arguments.of("max-length", 1)));
    assertThat(settings("q").maxLength()).isEqualTo(-1);
    assertThat(d.broker.policies().forExchange(new ExchangeName("/", "q")).name()).isEqualTo("x");
  }

  @Test
  void numbersTakeTheLowerValueAndNamesTheQueueArgument() {
    d.declare("q", args("x-max-length", 5, "x-message-ttl", 100, "x-dead-letter-exchange", "own",
        "x-overflow", "reject-publish"));
    set(policy("p", ".", 0, Map.of("max-length", 7, "message-ttl", 50, "dead-letter-exchange", "theirs",
        "dead-letter-routing-key", "rk", "overflow", "drop-head", "expires", 1000, "delivery-limit", 3)));
    QueueSettings s = settings("q");
    assertThat(s.maxLength()).isEqualTo(5);
    assertThat(s.messageTtl()).isEqualTo(50);
    assertThat(s.deadLetterExchange()).isEqualTo("own");
    assertThat(s.deadLetterRoutingKey()).isEqualTo("rk");
    assertThat(s.overflow()).isEqualTo(QueueSettings.Overflow.REJECT_PUBLISH);
    assertThat(s.expires()).isEqualTo(1000);
    assertThat(s.deliveryLimit()).isEqualTo(3);
    assertThat(s.countsDeliveries()).isTrue();
  }

  @Test
  void aLowerLimitDropsTheOldestAtOnceAndClearingRestoresTheQueuesOwn() {
    d.declare("q", args("x-dead-letter-exchange", "dlx"));
    for (String body : List.of("a", "b", "c")) {
      d.publish("q", body);
    }
    set(policy("p", "^q$", 0, Map.of("max-length", 1)));
    assertThat(d.takeDeadLetters()).extracting(x -> text(x.message())).containsExactly("a", "b");
    assertThat(d.ready("q")).isEqualTo(1);
    d.ok(new Command.ClearPolicy("/", "p"));
    assertThat(settings("q")).isEqualTo(QueueSettings.of(q("q"), Arguments.of(args("x-dead-letter-exchange", "dlx"))));
    assertThat(d.broker.queue(q("q")).orElseThrow().policy()).isNull();
    d.publish("q", "d");
    assertThat(d.ready("q")).isEqualTo(2);
  }

  @Test
  void aQueueDeclaredLaterTakesThePolicyThatMatchesIt() {
    set(policy("p", "^later$", 0, Map.of("max-length", 1)));
    d.declare("later", Map.of());
    d.publish("later", "a");
    d.publish("later", "b");
    assertThat(d.get("later")).isEqualTo("b");
  }

  @Test
  void invalidPoliciesCannotBeMade() {
    assertThatThrownBy(() -> policy("p", ".", 0, Map.of("max-length", -1)))
        .hasMessage("Validation failed\n\n-1 is not a valid maximum length");
    assertThatThrownBy(() -> policy("p", ".", 0, Map.of("expires", 0)))
        .hasMessage("Validation failed\n\n0 is not a valid queue expiry");
    assertThatThrownBy(() -> policy("p", ".", 0, Map.of("overflow", "sideways")))
        .hasMessage("Validation failed\n\n<<\"sideways\">> is not a valid overflow value");
    assertThatThrownBy(() -> policy("p", ".", 0, Map.of("color", "blue")))
        .hasMessage("Validation failed\n\n[{<<\"color\">>,<<\"blue\">>}] are not recognised policy settings");
    assertThatThrownBy(() -> policy("p", "(", 0, Map.of("max-length", 1)))
        .hasMessageStartingWith("Validation failed\n\n( is not a valid regular expression");
    assertThat(policy("p", ".", 0, Map.of("ha-mode", "all")).definition().get("ha-mode")).isEqualTo("all");
  }
}
