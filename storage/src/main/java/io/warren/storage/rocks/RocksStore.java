package io.warren.storage.rocks;

import io.warren.storage.KeyRange;
import io.warren.storage.StorageException;
import io.warren.storage.Store;
import io.warren.storage.StoreBatch;
import io.warren.storage.StoreIterator;
import io.warren.storage.StoreOptions;
import io.warren.storage.StoreStats;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.stream.Stream;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.Cache;
import org.rocksdb.Checkpoint;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.CompressionType;
import org.rocksdb.DBOptions;
import org.rocksdb.FlushOptions;
import org.rocksdb.InfoLogLevel;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksObject;
import org.rocksdb.WriteOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The RocksDB implementation of {@link Store}.
 *
 * <p>Settings and why: {@code atomic_flush} so that all families are flushed together (their
 * files always describe the same point in time, which checkpoints rely on); the write-ahead log on
 * with {@code sync=false} by default (a process crash loses nothing; the fsync'd Raft log covers
 * power loss); LZ4 compression at every level; Bloom filters for point reads; blob
 * files for large-value families.
 *
 * <p>A read-write lock guards against use after close: every call holds the read side, close takes
 * the write side and then closes the iterators that callers forgot.
 */
public final class RocksStore implements Store {
  private static final Logger LOG = LoggerFactory.getLogger(RocksStore.class);
  private static final String DEFAULT_FAMILY = "default";
  private static final long PRIVATE_CACHE_BYTES = 8L << 20;
  private static final long MIN_BLOB_BYTES = 4096;

  static {
    RocksDB.loadLibrary();
  }

  private final Path directory;
  private final RocksDB db;
  private final Map<String, ColumnFamilyHandle> handles;
  private final WriteOptions writeOptions;
  /** Native objects to close after the database, in order. */
  private final List<RocksObject> owned;
  private final Set<RocksStoreIterator> iterators = ConcurrentHashMap.newKeySet();
  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
  private volatile boolean closed;

  private RocksStore(
      Path directory,
      RocksDB db,
      Map<String, ColumnFamilyHandle> handles,
      WriteOptions writeOptions,
      List<RocksObject> owned) {
    this.directory = directory;
    this.db = db;
    this.handles = handles;
    this.writeOptions = writeOptions;
    this.owned = owned;
  }

  /** See {@link io.warren.storage.Stores#open}. */
  public static RocksStore open(Path directory, StoreOptions options) {
    Path dir = directory.toAbsolutePath().normalize();
    prepareDirectory(dir);
    List<RocksObject> owned = new ArrayList<>();
    try {
      Cache cache;
      DBOptions dbOptions = new DBOptions();
      owned.add(dbOptions);
      if (options.resources() instanceof RocksResources shared) {
        cache = shared.cache();
        dbOptions.setWriteBufferManager(shared.writeBuffers());
      } else if (options.resources() == null) {
        cache = new LRUCache(PRIVATE_CACHE_BYTES);
        owned.add(cache);
      } else {
        throw new IllegalArgumentException("foreign StoreResources: " + options.resources());
      }
      dbOptions
          .setCreateIfMissing(true)
          .setCreateMissingColumnFamilies(true)
          .setAtomicFlush(true)
          .setMaxBackgroundJobs(2)
          .setInfoLogLevel(InfoLogLevel.WARN_LEVEL)
          .setKeepLogFileNum(3)
          .setMaxLogFileSize(8L << 20)
          // With atomic flush, a full WAL flushes every family: keep it a few memtables long.
          .setMaxTotalWalSize(4 * options.writeBufferBytes() * Math.max(1, options.families().size()));

      List<String> names = familiesToOpen(dir, options);
      List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
      for (String name : names) {
        ColumnFamilyOptions cf =
            familyOptions(options, options.largeValueFamilies().contains(name), cache);
        owned.add(cf);
        descriptors.add(new ColumnFamilyDescriptor(name.getBytes(StandardCharsets.UTF_8), cf));
      }
      List<ColumnFamilyHandle> handleList = new ArrayList<>();
      RocksDB db;
      try {
        db = RocksDB.open(dbOptions, dir.toString(), descriptors, handleList);
      } catch (RocksDBException e) {
        throw Failures.onOpen(dir, e);
      }
      Map<String, ColumnFamilyHandle> handles = new LinkedHashMap<>();
      for (int i = 0; i < names.size(); i++) {
        handles.put(names.get(i), handleList.get(i));
      }
      WriteOptions writeOptions =
          new WriteOptions()
              .setSync(options.writeLog() == StoreOptions.WriteLog.SYNCED)
              .setDisableWAL(options.writeLog() == StoreOptions.WriteLog.NONE);
      owned.add(0, writeOptions);
      LOG.debug("Opened store {} with families {}", dir, handles.keySet());
      return new RocksStore(dir, db, Collections.unmodifiableMap(handles), writeOptions, owned);
    } catch (RuntimeException e) {
      closeAll(owned);
      throw e;
    }
  }

  private static void prepareDirectory(Path dir) {
    if (Files.exists(dir) && !Files.isDirectory(dir)) {
      throw Failures.notWritable(dir, "the path exists but is not a directory", null);
    }
    try {
      Files.createDirectories(dir);
    } catch (FileAlreadyExistsException e) {
      throw Failures.notWritable(dir, "a parent path is a file: " + e.getFile(), e);
    } catch (IOException | SecurityException e) {
      throw Failures.notWritable(dir, String.valueOf(e), e);
    }
    if (!Files.isWritable(dir)) {
      throw Failures.notWritable(dir, "no write permission", null);
    }
  }

  private static List<String> familiesToOpen(Path dir, StoreOptions options) {
    Set<String> names = new LinkedHashSet<>();
    names.add(DEFAULT_FAMILY);
    if (Files.exists(dir.resolve("CURRENT"))) {
      try (Options listOptions = new Options()) {
        for (byte[] name : RocksDB.listColumnFamilies(listOptions, dir.toString())) {
          names.add(new String(name, StandardCharsets.UTF_8));
        }
      } catch (RocksDBException e) {
        throw Failures.onOpen(dir, e);
      }
    }
    names.addAll(options.families().stream().sorted().toList());
    return new ArrayList<>(names);
  }

  private static ColumnFamilyOptions familyOptions(
      StoreOptions options, boolean largeValues, Cache cache) {
    BlockBasedTableConfig table =
        new BlockBasedTableConfig()
            .setBlockCache(cache)
            .setFilterPolicy(new BloomFilter(10))
            .setCacheIndexAndFilterBlocks(true)
            .setPinL0FilterAndIndexBlocksInCache(true);
    ColumnFamilyOptions cf =
        new ColumnFamilyOptions()
            .setWriteBufferSize(options.writeBufferBytes())
            .setMaxWriteBufferNumber(3)
            .setCompressionType(CompressionType.LZ4_COMPRESSION)
            // Not ZSTD at the bottom: a broker's data is short-lived and rewritten by compaction
            // over and over, and ZSTD cost a busy node a few percent of its CPU for little gain.
            .setBottommostCompressionType(CompressionType.LZ4_COMPRESSION)
            .setLevelCompactionDynamicLevelBytes(true)
            .setTableFormatConfig(table);
    if (largeValues) {
      cf.setEnableBlobFiles(true)
          .setMinBlobSize(MIN_BLOB_BYTES)
          .setBlobFileSize(64L << 20)
          .setBlobCompressionType(CompressionType.LZ4_COMPRESSION)
          .setEnableBlobGarbageCollection(true);
    }
    return cf;
  }

  RocksDB db() {
    return db;
  }

  ColumnFamilyHandle handle(String family) {
    ColumnFamilyHandle h = handles.get(family);
    if (h == null) {
      throw new IllegalArgumentException(
          "unknown family '" + family + "' in " + directory + "; known: " + handles.keySet());
    }
    return h;
  }

  void forget(RocksStoreIterator it) {
    iterators.remove(it);
  }

  @Override
  public Path directory() {
    return directory;
  }

  @Override
  public Set<String> families() {
    Set<String> out = new LinkedHashSet<>(handles.keySet());
    out.remove(DEFAULT_FAMILY);
    return Collections.unmodifiableSet(out);
  }

  @Override
  public byte[] get(String family, byte[] key) {
    return guarded(() -> db.get(handle(family), key), "get");
  }

  @Override
  public StoreIterator iterate(String family, KeyRange range, boolean reverse) {
    return guarded(
        () -> {
          RocksStoreIterator it = new RocksStoreIterator(this, family, range, reverse);
          iterators.add(it);
          return it;
        },
        "iterate");
  }

  @Override
  public StoreBatch newBatch() {
    return new RocksBatch(this);
  }

  @Override
  public void write(StoreBatch batch) {
    if (!(batch instanceof RocksBatch rb) || rb.store() != this) {
      throw new IllegalArgumentException("batch was not created by this store");
    }
    guarded(
        () -> {
          db.write(writeOptions, rb.writeBatch());
          return null;
        },
        "write");
  }

  @Override
  public void flush() {
    guarded(
        () -> {
          flushAll();
          return null;
        },
        "flush");
  }

  @Override
  public void startFlush() {
    guarded(
        () -> {
          flushAll(false);
          return null;
        },
        "flush");
  }

  private void flushAll() throws RocksDBException {
    flushAll(true);
  }

  private void flushAll(boolean wait) throws RocksDBException {
    try (FlushOptions flush = new FlushOptions().setWaitForFlush(wait)) {
      db.flush(flush, new ArrayList<>(handles.values()));
    }
  }

  @Override
  public void checkpoint(Path target) {
    Path dst = target.toAbsolutePath().normalize();
    if (Files.exists(dst)) {
      throw new IllegalArgumentException("checkpoint target already exists: " + dst);
    }
    guarded(
        () -> {
          flushAll();
          try (Checkpoint cp = Checkpoint.create(db)) {
            cp.createCheckpoint(dst.toString());
          }
          return null;
        },
        "checkpoint to " + dst);
  }

  @Override
  public StoreStats stats() {
    return guarded(
        () -> {
          long keys = 0;
          long live = 0;
          long sst = 0;
          long mem = 0;
          long pending = 0;
          long delays = 0;
          long stops = count(db.getMapProperty("rocksdb.db-write-stall-stats"), "write-buffer-manager-limit-stops");
          for (ColumnFamilyHandle h : handles.values()) {
            keys += db.getLongProperty(h, "rocksdb.estimate-num-keys");
            live += db.getLongProperty(h, "rocksdb.estimate-live-data-size");
            sst += db.getLongProperty(h, "rocksdb.total-sst-files-size");
            sst += db.getLongProperty(h, "rocksdb.total-blob-file-size");
            mem += db.getLongProperty(h, "rocksdb.cur-size-all-mem-tables");
            pending += db.getLongProperty(h, "rocksdb.estimate-pending-compaction-bytes");
            Map<String, String> stalls = db.getMapProperty(h, "rocksdb.cf-write-stall-stats");
            delays += count(stalls, "total-delays");
            stops += count(stalls, "total-stops");
          }
          // These three are the whole database's, not a family's.
          return new StoreStats(keys, live, sst, mem, pending,
              db.getLongProperty("rocksdb.num-running-compactions"),
              db.getLongProperty("rocksdb.actual-delayed-write-rate"),
              db.getLongProperty("rocksdb.is-write-stopped") != 0,
              delays, stops);
        },
        "stats");
  }

  /** A counter out of a RocksDB map property; 0 when this RocksDB version does not report it. */
  private static long count(Map<String, String> property, String key) {
    String value = property.get(key);
    return value == null ? 0 : Long.parseLong(value.trim());
  }

  @Override
  public void close() {
    lock.writeLock().lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      for (RocksStoreIterator it : List.copyOf(iterators)) {
        it.close();
      }
      try {
        // Make every write durable: a clean shutdown then needs no Raft replay.
        if (writeOptions.disableWAL()) {
          flushAll();
        } else {
          db.flushWal(true);
        }
      } catch (RocksDBException e) {
        LOG.warn("Could not make the last writes of {} durable on close: {}", directory, e.getMessage());
      }
      handles.values().forEach(ColumnFamilyHandle::close);
      try {
        db.closeE();
      } catch (RocksDBException e) {
        LOG.warn("Error closing store {}: {}", directory, e.getMessage());
      }
      closeAll(owned);
    } finally {
      lock.writeLock().unlock();
    }
  }

  private static void closeAll(List<RocksObject> objects) {
    for (RocksObject o : objects) {
      o.close();
    }
  }

  @FunctionalInterface
  private interface RocksCall<T> {
    T call() throws RocksDBException;
  }

  private <T> T guarded(RocksCall<T> call, String what) {
    lock.readLock().lock();
    try {
      if (closed) {
        throw Failures.closed(directory);
      }
      return call.call();
    } catch (RocksDBException e) {
      throw Failures.onUse(directory, what, e);
    } finally {
      lock.readLock().unlock();
    }
  }

  /**
   * Fills {@code target} (absent or empty) with a copy of the checkpoint in {@code source}. Table and
   * blob files never change once written, so they are hard-linked; the rest (CURRENT, MANIFEST,
   * OPTIONS, WAL) is copied because the opened database appends to or replaces them. Copies are
   * fsync'd so that a caller may rename the directory into place right after.
   */
  public static void copyCheckpoint(Path source, Path target) {
    Path src = source.toAbsolutePath().normalize();
    Path dst = target.toAbsolutePath().normalize();
    try {
      if (!Files.isRegularFile(src.resolve("CURRENT"))) {
        throw new StorageException(
            StorageException.Kind.CORRUPT, src, "Not a store checkpoint (no CURRENT file): " + src);
      }
      Files.createDirectories(dst);
      try (Stream<Path> existing = Files.list(dst)) {
        if (existing.findAny().isPresent()) {
          throw new IllegalArgumentException("copy target is not empty: " + dst);
        }
      }
      List<Path> files;
      try (Stream<Path> list = Files.list(src)) {
        files = list.filter(Files::isRegularFile).toList();
      }
      for (Path file : files) {
        Path out = dst.resolve(file.getFileName());
        String name = file.getFileName().toString();
        if ((name.endsWith(".sst") || name.endsWith(".blob")) && tryLink(out, file)) {
          continue;
        }
        Files.copy(file, out, StandardCopyOption.COPY_ATTRIBUTES);
        try (FileChannel ch = FileChannel.open(out, StandardOpenOption.WRITE)) {
          ch.force(true);
        }
      }
      fsyncDirectory(dst);
    } catch (IOException e) {
      throw Failures.notWritable(dst, "copying checkpoint " + src + ": " + e, e);
    }
  }

  private static boolean tryLink(Path link, Path existing) {
    try {
      Files.createLink(link, existing);
      return true;
    } catch (IOException | UnsupportedOperationException e) {
      return false; // another file system: fall back to a copy
    }
  }

  /** Makes a directory's entries (creations, renames) durable. */
  public static void fsyncDirectory(Path dir) {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException e) {
      LOG.debug("fsync of directory {} not supported: {}", dir, e.toString());
    }
  }
}
