import SourcedBuild

/// The site the preview serves now, and the browsers waiting to hear it changed.
package actor PreviewState {
    package private(set) var snapshot: SiteSnapshot
    /// The error overlay of this snapshot, made when it arrives so its source lines are the
    /// ones that were checked, not whatever the file holds by the time a browser asks.
    private(set) var overlay: String?
    /// Bumped on every rebuild; sent to browsers as a reload event.
    package private(set) var generation = 0
    private var listeners: [Int: AsyncStream<Int>.Continuation] = [:]
    private var nextListener = 0

    package init(_ snapshot: SiteSnapshot) {
        self.snapshot = snapshot
        overlay = snapshot.hasErrors ? PreviewPages.overlay(snapshot) : nil
    }

    /// Replaces the site and tells every open page to reload.
    package func update(_ snapshot: SiteSnapshot) {
        self.snapshot = snapshot
        overlay = snapshot.hasErrors ? PreviewPages.overlay(snapshot) : nil
        generation += 1
        for listener in listeners.values { listener.yield(generation) }
    }

    /// A stream of generations, one per rebuild from now on.
    package func subscribe() -> AsyncStream<Int> {
        let (stream, continuation) = AsyncStream.makeStream(of: Int.self, bufferingPolicy: .bufferingNewest(1))
        let id = nextListener
        nextListener += 1
        listeners[id] = continuation
        continuation.onTermination = { _ in Task { await self.unsubscribe(id) } }
        return stream
    }

    private func unsubscribe(_ id: Int) {
        listeners[id] = nil
    }

    package var listenerCount: Int { listeners.count }

    /// Ends every open event stream (on shutdown).
    package func close() {
        for listener in listeners.values { listener.finish() }
        listeners = [:]
    }
}
