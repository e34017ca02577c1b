package io.warren.raft;

import static org.assertj.core.api.Assertions.assertThat;

import io.warren.storage.Store;
import io.warren.storage.StoreBatch;
import io.warren.storage.StoreOptions;
import io.warren.storage.Stores;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SessionsTest {
  @TempDir Path tmp;

  @Test
  void sequenceNumbersAreDurableAndIdleOriginsAreForgottenDeterministically() {
    UUID busy = UUID.randomUUID();
    UUID idle = UUID.randomUUID();
    try (Store store = Stores.open(tmp, StoreOptions.of(RaftNode.BOOKKEEPING_FAMILY))) {
      Sessions sessions = new Sessions();
      sessions.load(store);
      assertThat(sessions.expected(busy)).isZero();
      try (StoreBatch batch = store.newBatch()) {
        sessions.advance(busy, 0, 10, batch);
        sessions.advance(busy, 1, 11, batch);
        sessions.advance(idle, 0, 12, batch);
        store.write(batch);
      }
      assertThat(sessions.expected(busy)).isEqualTo(2);

      Sessions reloaded = new Sessions();
      reloaded.load(store);
      assertThat(reloaded.expected(busy)).isEqualTo(2);
      assertThat(reloaded.expected(idle)).isEqualTo(1);

      long later = Sessions.PRUNE_EVERY * 100; // a pruning point far beyond both
      try (StoreBatch batch = store.newBatch()) {
        reloaded.advance(busy, 2, later - 1, batch);
        reloaded.prune(later + 1, batch); // not a pruning point: nothing happens
        assertThat(reloaded.size()).isEqualTo(2);
        reloaded.prune(later, batch);
        store.write(batch);
      }
      assertThat(reloaded.size()).isEqualTo(1);
      assertThat(reloaded.expected(idle)).isZero();
      Sessions afterPrune = new Sessions();
      afterPrune.load(store);
      assertThat(afterPrune.expected(idle)).isZero();
      assertThat(afterPrune.expected(busy)).isEqualTo(3);
    }
  }
}
