package dev.caravel.storage.memory;

import dev.caravel.storage.mvcc.MvccStore;

/** The in-memory store: the {@link MvccStore} engine on a fresh {@link MemoryBackend}. For unit tests and the in-process test server. */
public final class MemoryStore {

    private MemoryStore() {}

    public static MvccStore open() {
        return open(MvccStore.Config.defaults());
    }

    public static MvccStore open(MvccStore.Config config) {
        return MvccStore.open(new MemoryBackend(), config);
    }
}
