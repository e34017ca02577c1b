package io.warren.node;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Counts the runs of a node in its data directory ({@value #FILE}). A run number makes the ids a
 * run hands out (connections, log entry origins) unique across restarts, so commands of an
 * earlier run replayed from the log never reach this run's connections.
 */
final class NodeRuns {
  static final String FILE = "node-run";

  private NodeRuns() {}

  /** Records and returns the number of the run that starts now (1 for the first). */
  static long next(Path dataDir) {
    Path file = dataDir.resolve(FILE);
    try {
      long previous = Files.exists(file) ? Long.parseLong(Files.readString(file, StandardCharsets.US_ASCII).trim()) : 0;
      long run = previous + 1;
      DataFiles.write(file, Long.toString(run));
      return run;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot record the node run in " + file, e);
    } catch (NumberFormatException e) {
      throw new IllegalStateException("corrupt " + file + ": " + e.getMessage(), e);
    }
  }
}
