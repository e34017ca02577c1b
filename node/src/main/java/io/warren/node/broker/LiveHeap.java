package io.warren.node.broker;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;

/**
 * The heap in use right after the latest garbage collection: the live data, as far as the JVM
 * knows. Raw heap use also counts garbage that no collection has reclaimed yet, and while
 * publishers are blocked nothing allocates, so no collection comes to lower it: an alarm on raw
 * use would never clear.
 */
final class LiveHeap {
  private final Set<String> heapPools = ManagementFactory.getMemoryPoolMXBeans().stream()
      .filter(p -> p.getType() == MemoryType.HEAP).map(MemoryPoolMXBean::getName).collect(Collectors.toSet());
  private static final long MIN_INTERVAL_NANOS = 1_000_000_000L;
  private volatile long afterLastGc = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  private long lastRecheck = System.nanoTime() - MIN_INTERVAL_NANOS;
  private long lastRecheckCost;

  private LiveHeap() {}

  /** Starts listening to this JVM's collections. */
  static LiveHeap install() {
    LiveHeap heap = new LiveHeap();
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      if (gc instanceof NotificationEmitter emitter) {
        emitter.addNotificationListener((notification, handback) -> {
          if (GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType())) {
            heap.collected(GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData()));
          }
        }, null, null);
      }
    }
    return heap;
  }

  private void collected(GarbageCollectionNotificationInfo info) {
    long used = 0;
    for (Map.Entry<String, MemoryUsage> pool : info.getGcInfo().getMemoryUsageAfterGc().entrySet()) {
      if (heapPools.contains(pool.getKey())) {
        used += pool.getValue().getUsed();
      }
    }
    afterLastGc = used;
  }

  /** Bytes of heap in use after the latest collection. */
  long used() {
    return afterLastGc;
  }

  /**
   * Asks for a full collection when the figure looks too high, but not so often that collections
   * take more than about 5 % of the time (at most once a second): G1's young collections leave
   * dead data in the old generation until a marking cycle, which starts only above its own
   * occupancy threshold, and blocked publishers allocate too little to get there. Without this,
   * an alarm raised on dead data would not clear.
   */
  void recheck() {
    long now = System.nanoTime();
    if (now - lastRecheck >= Math.max(MIN_INTERVAL_NANOS, 20 * lastRecheckCost)) {
      System.gc();
      lastRecheck = System.nanoTime();
      lastRecheckCost = lastRecheck - now;
    }
  }
}
