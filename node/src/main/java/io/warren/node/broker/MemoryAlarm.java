package io.warren.node.broker;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Raised while heap use is above the configured fraction of the maximum heap; publishers are then
 * blocked (connection.blocked) while consumers keep draining. {@link #check()} is called
 * periodically by the node; listeners hear every change.
 */
public final class MemoryAlarm {
  private static final Logger log = LoggerFactory.getLogger(MemoryAlarm.class);

  private final long capacity;
  private final LongSupplier used;
  private final Runnable recheck;
  private volatile long limit;
  private final Set<Consumer<Boolean>> listeners = ConcurrentHashMap.newKeySet();
  private volatile boolean raised;

  /** An alarm over this JVM's heap: the live part of it, as measured after each collection. */
  public static MemoryAlarm forHeap(double watermark) {
    LiveHeap heap = LiveHeap.install();
    return new MemoryAlarm(Runtime.getRuntime().maxMemory(), watermark, heap::used, heap::recheck);
  }

  /**
   * @param capacity the memory the watermark is a fraction of
   * @param used samples current use
   */
  public MemoryAlarm(long capacity, double watermark, LongSupplier used) {
    this(capacity, watermark, used, () -> { });
  }

  /** @param recheck makes the next sample exact when use looks above the limit (a collection of the whole heap) */
  private MemoryAlarm(long capacity, double watermark, LongSupplier used, Runnable recheck) {
    this.capacity = capacity;
    this.used = used;
    this.recheck = recheck;
    this.limit = (long) (capacity * watermark);
  }

  /** Moves the watermark at run time (as {@code rabbitmqctl set_vm_memory_high_watermark}) and rechecks. */
  public synchronized void setWatermark(double watermark) {
    limit = (long) (capacity * watermark);
    check();
  }

  public boolean raised() {
    return raised;
  }

  public void addListener(Consumer<Boolean> listener) {
    listeners.add(listener);
  }

  public void removeListener(Consumer<Boolean> listener) {
    listeners.remove(listener);
  }

  /** Samples memory use and tells the listeners if the alarm changed. */
  public synchronized void check() {
    long now = used.getAsLong();
    if (now > limit) {
      recheck.run();
      now = used.getAsLong();
    }
    boolean over = now > limit;
    if (over != raised) {
      raised = over;
      if (over) {
        log.warn("Memory alarm set: heap use {} MiB above the watermark of {} MiB; blocking publishers",
            now >> 20, limit >> 20);
      } else {
        log.info("Memory alarm cleared: heap use {} MiB", now >> 20);
      }
      for (Consumer<Boolean> l : listeners) {
        l.accept(over);
      }
    }
  }
}
