package io.warren.node.broker;

import com.sun.management.GarbageCollectionNotificationInfo;
import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The heap in use right after the latest garbage collection: the live data, as far as the JVM
 * knows. Raw heap use also counts garbage that no collection has reclaimed yet, and while
 * publishers are blocked nothing allocates, so no collection comes to lower it: an alarm on raw
 * use would never clear.
 */
final class LiveHeap {
  private static final Logger log = LoggerFactory.getLogger(LiveHeap.class);
  /** The JVM option that makes {@link #recheck()} a concurrent cycle instead of a full pause. */
  static final String CONCURRENT_EXPLICIT_GC = "ExplicitGCInvokesConcurrent";
  private final Set<String> heapPools = ManagementFactory.getMemoryPoolMXBeans().stream()
      .filter(p -> p.getType() == MemoryType.HEAP).map(MemoryPoolMXBean::getName).collect(Collectors.toSet());
  private static final long MIN_INTERVAL_NANOS = 1_000_000_000L;
  /**
   * Young collections G1 needs after a marking cycle to reclaim the old regions it found mostly
   * dead: one that prepares, then up to {@code G1MixedGCCountTarget} (8) mixed ones.
   */
  private static final int COLLECTIONS_AFTER_MARKING = 9;
  private static final int GARBAGE_CHUNK = 64 * 1024;
  /** Where the garbage that drives collections goes, so the JIT cannot leave it out. */
  private static volatile byte[] garbage;
  private final AtomicLong collections = new AtomicLong();
  private final boolean concurrentRecheck = explicitGcIsConcurrent();
  private volatile long afterLastGc = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  private long lastRecheck = System.nanoTime() - MIN_INTERVAL_NANOS;
  private long lastRecheckCost;

  private LiveHeap() {}

  /** Starts listening to this JVM's collections. */
  static LiveHeap install() {
    LiveHeap heap = new LiveHeap();
    if (!heap.concurrentRecheck) {
      log.warn("The JVM runs without -XX:+{}: a memory alarm recheck will stop the node for a full "
          + "collection (up to seconds on a large heap); start Java with that option", CONCURRENT_EXPLICIT_GC);
    }
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

  private static boolean explicitGcIsConcurrent() {
    HotSpotDiagnosticMXBean hotspot = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
    return hotspot != null && Boolean.parseBoolean(hotspot.getVMOption(CONCURRENT_EXPLICIT_GC).getValue());
  }

  private void collected(GarbageCollectionNotificationInfo info) {
    long used = 0;
    for (Map.Entry<String, MemoryUsage> pool : info.getGcInfo().getMemoryUsageAfterGc().entrySet()) {
      if (heapPools.contains(pool.getKey())) {
        used += pool.getValue().getUsed();
      }
    }
    afterLastGc = used;
    collections.incrementAndGet();
  }

  /** Bytes of heap in use after the latest collection. */
  long used() {
    return afterLastGc;
  }

  /**
   * Asks for a collection of the whole heap when the figure looks too high, but not so often that
   * collections take more than about 5 % of the time (at most once a second): G1's young
   * collections leave dead data in the old generation until a marking cycle, which starts only
   * above its own occupancy threshold, and blocked publishers allocate too little to get there.
   * Without this, an alarm raised on dead data would not clear.
   *
   * <p>With {@code -XX:+ExplicitGCInvokesConcurrent} (the launch scripts set it) {@code
   * System.gc()} is a concurrent marking cycle that returns once it is over: the node keeps
   * running, which matters in a cluster where a full pause of a second can cost a majority. The
   * regions the cycle found mostly dead are reclaimed by the mixed collections that follow it, and
   * those come only with allocation: a node whose publishers are blocked hardly allocates, so the
   * recheck allocates short-lived garbage until they have run (under load the node's own
   * allocation brings them, and the recheck adds little). Runs on the alarm's own thread; it blocks
   * for the cycle.
   */
  void recheck() {
    long now = System.nanoTime();
    if (now - lastRecheck >= Math.max(MIN_INTERVAL_NANOS, 20 * lastRecheckCost)) {
      System.gc();
      if (concurrentRecheck) {
        driveMixedCollections();
      } else {
        afterLastGc = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
      }
      lastRecheck = System.nanoTime();
      lastRecheckCost = lastRecheck - now;
    }
  }

  /** Allocates garbage until G1 has run its mixed collections, or twice the heap's worth at most. */
  private void driveMixedCollections() {
    long target = collections.get() + COLLECTIONS_AFTER_MARKING;
    long budget = 2 * Runtime.getRuntime().maxMemory();
    for (long allocated = 0; collections.get() < target && allocated < budget; allocated += GARBAGE_CHUNK) {
      garbage = new byte[GARBAGE_CHUNK];
    }
  }
}
