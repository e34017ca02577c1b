package io.warren.raft;

import io.warren.storage.KeyRange;
import io.warren.storage.KeyValue;
import io.warren.storage.Keys;
import io.warren.storage.Store;
import io.warren.storage.StoreBatch;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.UUID;

/**
 * Per-origin sequence numbers, part of the replicated state: an origin's entry is applied only if
 * its seq is the next one expected, so commands from one submitter are applied once each and in
 * submission order whatever retries and leader changes did to the log. Kept in the bookkeeping
 * family, written in the same batch as the apply, and so in every snapshot.
 *
 * <p>Origins unused for {@link #IDLE_ENTRIES} log entries are forgotten (each node process is a new
 * origin, so they accumulate); the check runs at log indexes divisible by {@link #PRUNE_EVERY},
 * which is deterministic on every replica. A forgotten origin that comes back is told the seq it
 * should start at (0) and its submitter starts a fresh origin.
 */
final class Sessions {
  static final long PRUNE_EVERY = 1 << 16;
  static final long IDLE_ENTRIES = 1 << 22;
  private static final byte[] PREFIX = Keys.ofString("session/");

  private record State(long nextSeq, long lastIndex) {}

  private final Map<UUID, State> origins = new HashMap<>();

  /** Replaces the in-memory table with the one in {@code store}. */
  void load(Store store) {
    origins.clear();
    for (KeyValue kv :
        store.scan(RaftNode.BOOKKEEPING_FAMILY, KeyRange.prefix(PREFIX), Integer.MAX_VALUE)) {
      byte[] k = kv.key();
      UUID origin =
          new UUID(Keys.getLong(k, PREFIX.length), Keys.getLong(k, PREFIX.length + 8));
      origins.put(
          origin, new State(Keys.getLong(kv.value(), 0), Keys.getLong(kv.value(), 8)));
    }
  }

  /** The seq the next entry of {@code origin} must carry. */
  long expected(UUID origin) {
    State s = origins.get(origin);
    return s == null ? 0 : s.nextSeq();
  }

  /** Records that {@code origin}'s entry {@code seq} was applied at {@code index}. */
  void advance(UUID origin, long seq, long index, StoreBatch batch) {
    State s = new State(seq + 1, index);
    origins.put(origin, s);
    byte[] value = new byte[16];
    Keys.putLong(value, 0, s.nextSeq());
    Keys.putLong(value, 8, s.lastIndex());
    batch.put(RaftNode.BOOKKEEPING_FAMILY, key(origin), value);
  }

  /** Forgets idle origins when {@code index} is a pruning point. */
  void prune(long index, StoreBatch batch) {
    if (index % PRUNE_EVERY != 0) {
      return;
    }
    for (Iterator<Map.Entry<UUID, State>> it = origins.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<UUID, State> e = it.next();
      if (index - e.getValue().lastIndex() > IDLE_ENTRIES) {
        batch.delete(RaftNode.BOOKKEEPING_FAMILY, key(e.getKey()));
        it.remove();
      }
    }
  }

  int size() {
    return origins.size();
  }

  private static byte[] key(UUID origin) {
    byte[] k = Keys.withLong(PREFIX, origin.getMostSignificantBits());
    return Keys.withLong(k, origin.getLeastSignificantBits());
  }
}
