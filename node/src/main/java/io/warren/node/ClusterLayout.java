package io.warren.node;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Properties;

/**
 * This node's place in its cluster, fixed when it first starts and kept in the data directory
 * ({@value #FILE}): its node index (the {@code node} part of its connection ids) and the cluster's
 * partition count. Both used to follow from the configured peer list, which stops being true once
 * members are added or removed at run time; so a node reads them from here after its first start,
 * whatever the peer list says by then.
 */
record ClusterLayout(int nodeIndex, int partitions) {
  static final String FILE = "cluster-layout";

  ClusterLayout {
    if (nodeIndex < 0 || nodeIndex > 255 || partitions < 1) {
      throw new IllegalArgumentException("bad cluster layout: node index " + nodeIndex + ", partitions " + partitions);
    }
  }

  static Optional<ClusterLayout> read(Path dataDir) {
    Path file = dataDir.resolve(FILE);
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    try {
      Properties p = new Properties();
      p.load(new StringReader(Files.readString(file, StandardCharsets.US_ASCII)));
      return Optional.of(new ClusterLayout(
          Integer.parseInt(p.getProperty("node-index").trim()), Integer.parseInt(p.getProperty("partitions").trim())));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    } catch (RuntimeException e) {
      throw new IllegalStateException("corrupt " + file + ": " + e.getMessage(), e);
    }
  }

  void write(Path dataDir) {
    Path file = dataDir.resolve(FILE);
    try {
      DataFiles.write(file, "node-index=" + nodeIndex + "\npartitions=" + partitions + "\n");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot record the cluster layout in " + file, e);
    }
  }
}
