package io.warren.model;

import static io.warren.model.TimedDriver.args;
import static io.warren.model.TimedDriver.q;
import static io.warren.model.TimedDriver.text;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Random sequences on a queue with random TTLs, length limits, overflow behaviour and delivery
 * limit, with time moving on and dead letters fed back through their exchange as the node does:
 * nothing expired is ever delivered, drop-head keeps the queue within its limit, no delivery is
 * counted past the delivery limit, and a replica applying the same log decides the same.
 */
class QueueExtensionsPropertiesTest {
  private static final List<Object> TTLS = java.util.Arrays.asList(null, 0, 20, 100);
  private static final List<Object> LENGTHS = java.util.Arrays.asList(null, 0, 2, 5);
  private static final List<String> OVERFLOWS = List.of("drop-head", "reject-publish", "reject-publish-dlx");
  private static final List<Object> LIMITS = java.util.Arrays.asList(null, 0, 2);
  private static final List<String> EXPIRATIONS = java.util.Arrays.asList(null, null, "0", "10", "50");
  private static final ChannelRef[] CHANNELS = {new ChannelRef(1, 1), new ChannelRef(1, 2)};

  /** When a message was published and the TTL it has in "q" (-1: none). */
  private record Published(long at, long ttl) {}

  @Property(tries = 300)
  void nothingExpiredIsDeliveredAndReplicasAgree(
      @ForAll @IntRange(min = 0, max = 3) int ttl, @ForAll @IntRange(min = 0, max = 3) int length,
      @ForAll @IntRange(min = 0, max = 2) int overflow, @ForAll @IntRange(min = 0, max = 2) int limit,
      @ForAll @Size(max = 120) List<@IntRange(min = 0, max = 100_000) Integer> steps) {
    TimedDriver d = new TimedDriver();
    d.ok(new Command.DeclareExchange(new ExchangeName("/", "dlx"), "fanout", false, false, false, false,
        Arguments.EMPTY));
    d.declare("dlq", Map.of());
    d.ok(new Command.Bind(new ExchangeName("/", "dlx"), q("dlq"), "", Arguments.EMPTY, 1));
    Map<String, Object> arguments = new LinkedHashMap<>(args("x-dead-letter-exchange", "dlx",
        "x-overflow", OVERFLOWS.get(overflow)));
    putIfSet(arguments, "x-message-ttl", TTLS.get(ttl));
    putIfSet(arguments, "x-max-length", LENGTHS.get(length));
    putIfSet(arguments, "x-delivery-limit", LIMITS.get(limit));
    d.declare("q", arguments);
    long queueTtl = TTLS.get(ttl) == null ? -1 : ((Integer) TTLS.get(ttl)).longValue();

    Map<String, Published> published = new HashMap<>();
    List<long[]> held = new ArrayList<>(); // {channel index, message id}
    int tags = 0;
    for (int v : steps) {
      int op = v % 9;
      int arg = v / 9;
      int before = d.effects.size();
      switch (op) {
        case 0, 1 -> {
          String body = "m" + published.size();
          String expiration = EXPIRATIONS.get(arg % EXPIRATIONS.size());
          long own = expiration == null ? -1 : Long.parseLong(expiration);
          long effective = own >= 0 && (queueTtl < 0 || own < queueTtl) ? own : queueTtl;
          published.put(body, new Published(d.now, effective));
          d.reply(new Command.Publish("/", TimedDriver.message("", "q", body, expiration, Map.of())));
        }
        case 2 -> d.tickAfter(1 + arg % 60);
        case 3 -> {
          ChannelRef ch = CHANNELS[arg % 2];
          Reply r = d.reply(new Command.Get(ch, q("q"), false));
          if (r instanceof Reply.GetOk ok) {
            checkDelivery(published, d.now, ok.message(), LIMITS.get(limit));
            held.add(new long[] {arg % 2, ok.messageId()});
          }
        }
        case 4 -> d.ok(new Command.Consume(CHANNELS[arg % 2], q("q"), "c" + tags++, false, false, 1 + arg % 2, 100,
            Arguments.EMPTY));
        case 5, 6 -> {
          if (!held.isEmpty()) {
            long[] h = held.remove(arg % held.size());
            Command.Outcome outcome = Command.Outcome.values()[arg % 3];
            d.ok(new Command.Settle(CHANNELS[(int) h[0]], q("q"), outcome, new long[] {h[1]}));
          }
        }
        case 7 -> {
          ChannelRef ch = CHANNELS[arg % 2];
          d.ok(new Command.CloseChannel(ch));
          held.removeIf(h -> CHANNELS[(int) h[0]].equals(ch));
        }
        default -> d.now += arg % 30;
      }
      // What the step produced: deliveries are checked and held; dead letters go on like the node sends them.
      for (Effect e : List.copyOf(d.effects.subList(before, d.effects.size()))) {
        if (e instanceof Effect.Deliver x && x.queue().equals(q("q"))) {
          checkDelivery(published, d.now, x.message(), LIMITS.get(limit));
          int channel = x.channel().equals(CHANNELS[0]) ? 0 : 1;
          held.add(new long[] {channel, x.messageId()});
        } else if (e instanceof Effect.DeadLettered x) {
          d.reply(new Command.DeadLetter(x.vhost(), x.message()));
        }
      }
      QueueState queue = d.broker.queue(q("q")).orElseThrow();
      if (OVERFLOWS.get(overflow).equals("drop-head") && LENGTHS.get(length) != null) {
        assertThat(queue.readyCount()).isLessThanOrEqualTo((Integer) LENGTHS.get(length));
      }
    }
    assertThat(MessageTtlModelTest.describe(d.replay())).isEqualTo(MessageTtlModelTest.describe(d.results));
  }

  private static void checkDelivery(Map<String, Published> published, long now, Message m, Object limit) {
    Published p = published.get(text(m));
    if (p.ttl() >= 0) {
      assertThat(now < p.at() + p.ttl() || now == p.at())
          .as("%s published at %d with TTL %d delivered at %d", text(m), p.at(), p.ttl(), now).isTrue();
    }
    if (limit != null && m.headers().get("x-delivery-count") instanceof Long count) {
      assertThat(count).isLessThanOrEqualTo(((Integer) limit).longValue());
    }
  }

  private static void putIfSet(Map<String, Object> arguments, String key, Object value) {
    if (value != null) {
      arguments.put(key, value);
    }
  }
}
