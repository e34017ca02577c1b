package io.warren.raft;

import io.warren.storage.KeyRange;
import io.warren.storage.KeyValue;
import io.warren.storage.Keys;
import io.warren.storage.Store;
import io.warren.storage.StoreBatch;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A toy deterministic machine for the tests: every command is appended to a durable list under a
 * sequence number (1, 2, 3, ...) together with its log index; the reply is the sequence number.
 * Commands starting with "reject" are refused. It records anything that would betray a double or
 * out-of-order apply.
 */
final class CounterMachine implements GroupStateMachine<byte[]>, LargeValues {
  static final String ENTRIES = "entries";
  static final String META = "meta";
  private static final byte[] COUNT = Keys.ofString("count");

  /** One applied command. */
  record Entry(long seq, long index, String command) {}

  private volatile Store store;
  private long count;
  private long lastIndex = -1;
  final AtomicInteger applyCalls = new AtomicInteger();
  final AtomicInteger restores = new AtomicInteger();
  volatile long countAtLastRestore;
  volatile String violation;

  @Override
  public Set<String> families() {
    return Set.of(ENTRIES, META);
  }

  @Override
  public Set<String> largeValueFamilies() {
    return Set.of(ENTRIES);
  }

  @Override
  public synchronized void restore(Store s) {
    store = s;
    byte[] c = s.get(META, COUNT);
    count = c == null ? 0 : Keys.getLong(c, 0);
    List<Entry> all = entries();
    lastIndex = all.isEmpty() ? -1 : all.get(all.size() - 1).index();
    countAtLastRestore = count;
    restores.incrementAndGet();
  }

  @Override
  public byte[] decode(byte[] command) {
    return command;
  }

  @Override
  public synchronized byte[] apply(long index, byte[] command, StoreBatch batch) {
    applyCalls.incrementAndGet();
    if (index <= lastIndex) {
      violation = "index " + index + " applied after " + lastIndex;
    }
    lastIndex = index;
    String text = new String(command, StandardCharsets.UTF_8);
    if (text.startsWith("reject")) {
      throw new CommandRejectedException("refused: " + text);
    }
    count++;
    batch.put(ENTRIES, Keys.ofLong(count), Keys.concat(Keys.ofLong(index), command));
    batch.put(META, COUNT, Keys.ofLong(count));
    return Keys.ofLong(count);
  }

  synchronized long count() {
    return count;
  }

  /** Everything applied, in sequence order, read from the store. */
  List<Entry> entries() {
    List<Entry> out = new ArrayList<>();
    for (KeyValue kv : store.scan(ENTRIES, KeyRange.all(), Integer.MAX_VALUE)) {
      byte[] v = kv.value();
      out.add(
          new Entry(
              Keys.getLong(kv.key(), 0),
              Keys.getLong(v, 0),
              new String(Arrays.copyOfRange(v, 8, v.length), StandardCharsets.UTF_8)));
    }
    return out;
  }

  /** The commands in applied order. */
  List<String> commands() {
    return entries().stream().map(Entry::command).toList();
  }
}
