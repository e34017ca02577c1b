package io.warren.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.warren.storage.StorageException.Kind;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The data directory is unusable: the operator gets a clear error, not a RocksDB stack dump. */
class StoreErrorsTest {
  private static final StoreOptions OPTIONS = StoreOptions.of("meta");

  @TempDir Path tmp;

  @Test
  void aDirectoryAlreadyOpenIsReportedAsLocked() {
    Path dir = tmp.resolve("db");
    try (Store first = Stores.open(dir, OPTIONS)) {
      assertThatThrownBy(() -> Stores.open(dir, OPTIONS))
          .isInstanceOfSatisfying(
              StorageException.class,
              e -> {
                assertThat(e.kind()).isEqualTo(Kind.LOCKED);
                assertThat(e.directory()).isEqualTo(dir.toAbsolutePath());
              })
          .hasMessageContaining("already in use")
          .hasMessageContaining("another Warren node");
      assertThat(first.get("meta", new byte[] {1})).isNull(); // the first one still works
    }
    // Once the first is closed, the lock is free again.
    Stores.open(dir, OPTIONS).close();
  }

  @Test
  void aFileWhereTheDirectoryShouldBeIsReportedAsNotWritable() throws IOException {
    Path file = Files.writeString(tmp.resolve("data"), "not a directory");
    assertThatThrownBy(() -> Stores.open(file, OPTIONS))
        .isInstanceOfSatisfying(
            StorageException.class, e -> assertThat(e.kind()).isEqualTo(Kind.NOT_WRITABLE))
        .hasMessageContaining("cannot be created or written")
        .hasMessageContaining("not a directory");
    assertThatThrownBy(() -> Stores.open(file.resolve("nested"), OPTIONS))
        .isInstanceOfSatisfying(
            StorageException.class, e -> assertThat(e.kind()).isEqualTo(Kind.NOT_WRITABLE));
  }

  @Test
  void garbageInCurrentIsReportedAsCorrupt() throws IOException {
    Path dir = createStore();
    Files.writeString(dir.resolve("CURRENT"), "this is not a manifest name");
    assertCorrupt(dir);
  }

  @Test
  void garbageInTheManifestIsReportedAsCorrupt() throws IOException {
    Path dir = createStore();
    Path manifest;
    try (Stream<Path> files = Files.list(dir)) {
      manifest =
          files.filter(p -> p.getFileName().toString().startsWith("MANIFEST-")).findFirst().orElseThrow();
    }
    byte[] garbage = new byte[(int) Files.size(manifest)];
    java.util.Arrays.fill(garbage, (byte) 0x5A);
    Files.write(manifest, garbage);
    assertCorrupt(dir);
  }

  private Path createStore() {
    Path dir = tmp.resolve("db");
    try (Store store = Stores.open(dir, OPTIONS);
        StoreBatch batch = store.newBatch()) {
      batch.put("meta", "k".getBytes(StandardCharsets.UTF_8), new byte[10]);
      store.write(batch);
      store.flush();
    }
    return dir;
  }

  private static void assertCorrupt(Path dir) {
    assertThatThrownBy(() -> Stores.open(dir, OPTIONS))
        .isInstanceOfSatisfying(
            StorageException.class, e -> assertThat(e.kind()).isEqualTo(Kind.CORRUPT))
        .hasMessageContaining("damaged or inconsistent");
  }
}
