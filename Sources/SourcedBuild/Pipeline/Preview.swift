import Foundation
import SourcedCore

/// A whole site built in memory, for the preview server. Its files are rendered when asked
/// for, so a rebuild costs the checks, not the rendering of pages nobody is looking at.
package struct SiteSnapshot: Sendable {
    package enum File: Sendable {
        case bytes([UInt8])
        /// A file copied as-is (an asset or attachment), read when served.
        case copy(String)
    }

    private enum Storage: Sendable {
        case files([String: File])
        case outputs(SiteOutputs, Set<String>)
    }

    private let storage: Storage
    package var diagnostics: [Diagnostic]
    package var pageCount: Int
    /// The path every site URL starts with (from `base_url`).
    package var rootPath: String
    /// A failure that is not the content's (a template that does not compile, say).
    package var failure: String?

    package var hasErrors: Bool { failure != nil || diagnostics.errorCount > 0 }

    /// A snapshot of ready-made files (for tests and tools).
    package init(
        files: [String: File], diagnostics: [Diagnostic], pageCount: Int, rootPath: String, failure: String? = nil
    ) {
        storage = .files(files)
        self.diagnostics = diagnostics
        self.pageCount = pageCount
        self.rootPath = rootPath
        self.failure = failure
    }

    init(outputs: SiteOutputs, diagnostics: [Diagnostic], pageCount: Int) {
        storage = .outputs(outputs, Set(outputs.paths))
        self.diagnostics = diagnostics
        self.pageCount = pageCount
        rootPath = outputs.site.settings.rootPath
    }

    package func contains(_ path: String) -> Bool {
        switch storage {
        case .files(let files): files[path] != nil
        case .outputs(_, let paths): paths.contains(path)
        }
    }

    /// The file at `path`, rendered now if need be.
    package func file(_ path: String) -> File? {
        switch storage {
        case .files(let files):
            return files[path]
        case .outputs(let outputs, let paths):
            guard paths.contains(path), let file = try? outputs.file(path) else { return nil }
            switch file.content {
            case .text(let text): return .bytes(Array(text.utf8))
            case .pieces(let pieces):
                var bytes: [UInt8] = []
                pieces.forEach { bytes += $0.utf8 }
                return .bytes(bytes)
            case .bytes(let bytes): return .bytes(bytes)
            case .copy(let source): return .copy(source)
            }
        }
    }
}

extension Pipeline {
    /// Builds the site in memory with every page, whatever `publish.statuses` says; pages
    /// that `build` would leave out carry an "unpublished" notice. Never writes to disk.
    ///
    /// `changed`, when known, names the paths that changed since the last build with this
    /// cache (from a file watcher); only those are looked at again. A `store` serves the pages
    /// `cache` does not hold (the first build's); it is read, never saved here.
    package static func preview(
        content: String, templates: String, today: Day, cache: inout PreviewCache, changed: Set<String>? = nil,
        workers: WorkerPool? = nil, store: ResultStore? = nil
    ) async -> SiteSnapshot {
        do {
            let templateSet = try stage(.rendering, templates) { try cache.templates(templates) }
            let (site, outcome) = try await assembleAndCheck(
                content: content, today: today, cache: &cache.pages, changed: changed, workers: workers, store: store)
            let outputs = try stage(.rendering, templates) {
                try SiteOutputs(
                    site: site, diagnostics: outcome.diagnostics, templates: templateSet, contentDirectory: content,
                    includeUnpublished: true)
            }
            return SiteSnapshot(outputs: outputs, diagnostics: outcome.diagnostics, pageCount: outcome.pageCount)
        } catch {
            return SiteSnapshot(files: [:], diagnostics: [], pageCount: 0, rootPath: "/", failure: "\(error)")
        }
    }

    package static func preview(content: String, templates: String, today: Day) async -> SiteSnapshot {
        var cache = PreviewCache()
        return await preview(content: content, templates: templates, today: today, cache: &cache)
    }
}

/// What the preview keeps from one rebuild to the next: the pages' results and the compiled theme.
package struct PreviewCache: Sendable {
    var pages = PageCache()
    /// The theme as last compiled, with its skeletons.
    var templates: (directory: String, set: TemplateSet)?

    package init() {}

    /// The theme in `directory`, compiled again only when a template's text or the assets
    /// folder changed (compiling it was 4-9 ms of a 10,000-page preview rebuild).
    mutating func templates(_ directory: String) throws -> TemplateSet {
        let texts = try TemplateSet.read(directory)
        if let templates, templates.directory == directory, templates.set.texts == texts,
            templates.set.assetsDirectory == TemplateSet.assets(directory)
        {
            return templates.set
        }
        let set = try TemplateSet(texts: texts, directory: directory)
        templates = (directory, set)
        return set
    }
}
