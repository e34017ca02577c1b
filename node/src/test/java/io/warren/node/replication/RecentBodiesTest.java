package io.warren.node.replication;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.warren.storage.Store;
import io.warren.storage.StoreOptions;
import io.warren.storage.Stores;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which bodies stay on the heap. The store here is real and empty, so a body that left the heap
 * cannot be read back: that is how the test tells the two apart.
 */
class RecentBodiesTest {
  @TempDir Path dir;
  private Store store;

  @BeforeEach
  void open() {
    store = Stores.open(dir, StoreOptions.of(PartitionLayout.BODIES));
  }

  @AfterEach
  void close() throws Exception {
    store.close();
  }

  private StoredBody body(long id, int size) {
    return new StoredBody(store, PartitionLayout.bodyKey(id), new byte[size]);
  }

  @Test
  void theOldestBodiesLeaveTheHeapOnceTheBudgetIsExceeded() {
    RecentBodies recent = new RecentBodies(250);
    StoredBody first = body(1, 100);
    StoredBody second = body(2, 100);
    StoredBody third = body(3, 100);
    recent.keep(first);
    recent.keep(second);
    assertArrayEquals(new byte[100], first.bytes(), "within the budget, still on the heap");

    recent.keep(third);

    assertThrows(IllegalStateException.class, first::bytes, "the oldest went to the store");
    assertArrayEquals(new byte[100], second.bytes());
    assertArrayEquals(new byte[100], third.bytes());
  }

  @Test
  void aBodyLargerThanTheWholeBudgetIsNotKept() {
    RecentBodies recent = new RecentBodies(50);
    StoredBody big = body(1, 100);

    recent.keep(big);

    assertThrows(IllegalStateException.class, big::bytes);
  }
}
