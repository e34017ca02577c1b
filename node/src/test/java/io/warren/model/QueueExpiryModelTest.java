package io.warren.model;

import static io.warren.model.TimedDriver.args;
import static io.warren.model.TimedDriver.q;
import static org.assertj.core.api.Assertions.assertThat;

import io.warren.protocol.ReplyCode;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Queue expiry (x-expires) in the model: a queue unused for that long is deleted at a tick. */
class QueueExpiryModelTest {
  private final TimedDriver d = new TimedDriver();

  private boolean exists(String queue) {
    return d.broker.queue(q(queue)).isPresent();
  }

  @Test
  void anUnusedQueueGoesWhenItsLeaseEnds() {
    d.declare("q", args("x-expires", 1_000));
    d.publish("q", "messages do not count as use");
    d.tickAfter(999);
    assertThat(exists("q")).isTrue();
    assertThat(d.broker.nextDeadline()).isEqualTo(TimedDriver.START + 1_000);

    Result r = d.tickAfter(1);
    assertThat(exists("q")).isFalse();
    assertThat(r.effects()).containsExactly(new Effect.QueueAutoDeleted(q("q")));
  }

  @Test
  void aConsumerKeepsItAndItsLeaseStartsWhenTheLastOneGoes() {
    d.declare("q", args("x-expires", 1_000));
    d.ok(d.consume("q", "c", 0));
    assertThat(d.broker.nextDeadline()).isEqualTo(Long.MAX_VALUE);
    d.tickAfter(5_000);
    assertThat(exists("q")).isTrue();

    d.ok(new Command.Cancel(TimedDriver.CH, "c"));
    d.tickAfter(999);
    assertThat(exists("q")).isTrue();
    d.tickAfter(1);
    assertThat(exists("q")).isFalse();
  }

  @Test
  void getAndRedeclareRenewTheLeaseAPassiveDeclareToo() {
    d.declare("q", args("x-expires", 1_000));
    d.now += 800;
    d.get("q");
    d.tickAfter(800);
    assertThat(exists("q")).isTrue();
    d.declare("q", args("x-expires", 1_000));
    d.tickAfter(800);
    d.ok(new Command.DeclareQueue(q("q"), true, false, false, false, Arguments.EMPTY, 1, false));
    d.tickAfter(999);
    assertThat(exists("q")).isTrue();
    d.tickAfter(1);
    assertThat(exists("q")).isFalse();
  }

  @Test
  void aRestartRenewsTheLease() {
    d.declare("q", args("x-expires", 1_000));
    d.now += 900;
    d.ok(new Command.Restarted(ConnectionIds.first(0, 2), true));
    d.tickAfter(900);
    assertThat(exists("q")).isTrue();
    d.tickAfter(100);
    assertThat(exists("q")).isFalse();
  }

  @Test
  void anExpiredQueueTakesItsBindingsAlong() {
    d.ok(new Command.DeclareExchange(new ExchangeName("/", "x"), "fanout", false, false, false, false,
        Arguments.EMPTY));
    d.declare("q", args("x-expires", 10));
    d.ok(new Command.Bind(new ExchangeName("/", "x"), q("q"), "", Arguments.EMPTY, 1));
    d.tickAfter(10);
    assertThat(d.broker.bindingsTo(q("q"))).isEmpty();
    assertThat(d.reply(new Command.Publish("/", TimedDriver.message("x", "", "m", null, Map.of()))))
        .isEqualTo(Reply.UNROUTED);
  }

  @Test
  void aRestoredQueueStartsItsLeaseAtTheFirstTickWithATime() {
    Broker restored = new Broker();
    restored.apply(new Meta(0, 0), new Command.DeclareQueue(q("q"), false, true, false, false,
        Arguments.of(args("x-expires", 1_000)), 0, true));
    assertThat(restored.nextDeadline()).isEqualTo(Long.MIN_VALUE); // due: the lease must start
    // A tick replayed from the log of the last run, long after the declaration: not a deletion.
    restored.apply(new Meta(1, TimedDriver.START + 50_000), new Command.Tick());
    assertThat(restored.queue(q("q"))).isPresent();
    restored.apply(new Meta(2, TimedDriver.START + 50_999), new Command.Tick());
    assertThat(restored.queue(q("q"))).isPresent();
    restored.apply(new Meta(3, TimedDriver.START + 51_000), new Command.Tick());
    assertThat(restored.queue(q("q"))).isEmpty();
  }

  @Test
  void aSnapshotCarriesTheLease() {
    d.declare("q", args("x-expires", 1_000));
    d.now += 300;
    d.get("q");
    ClientsSnapshot snapshot = d.broker.exportClients();
    assertThat(snapshot.queues().get(0).lastUsed()).isEqualTo(d.now);

    Broker restored = new Broker();
    restored.apply(new Meta(0, 0), new Command.DeclareQueue(q("q"), false, true, false, false,
        Arguments.of(args("x-expires", 1_000)), 0, true));
    restored.restoreClients(snapshot);
    assertThat(restored.exportClients()).isEqualTo(snapshot);
    assertThat(restored.nextDeadline()).isEqualTo(d.now + 1_000);
  }

  @Test
  void invalidExpiriesAreRefusedWithRabbitMqsWords() {
    assertRefused(0, "{value_zero,0}");
    assertRefused(-1, "{value_negative,-1}");
    assertRefused("x", "\"expected integer, got longstr\"");
    assertRefused(315_360_000_001L, "{value_too_large,315360000001}");
  }

  private void assertRefused(Object value, String reason) {
    Reply.Failure f = d.fail(new Command.DeclareQueue(q("bad"), false, false, false, false,
        Arguments.of("x-expires", value), 1, false));
    assertThat(f.code()).isEqualTo(ReplyCode.PRECONDITION_FAILED);
    assertThat(f.text()).isEqualTo("invalid arg 'x-expires' for queue 'bad' in vhost '/': " + reason);
  }
}
