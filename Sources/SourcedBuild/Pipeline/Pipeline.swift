import Foundation
import SourcedCore
import SourcedMarkdown

/// What a check found.
package struct CheckOutcome: Sendable {
    /// Sorted by file, line, column.
    package var diagnostics: [Diagnostic]
    package var pageCount: Int
    /// Why the page cache could not be saved, if it could not.
    package var cacheProblem: String? = nil
    /// What the run made (the site, its pages' results). A process that exits once the command
    /// is done can hold it until the exit drops it at once, instead of freeing it object by
    /// object as the outcome goes (about 0.1 s of a 10,000-page check).
    package var made = Made()
}

/// Values a run made, held only to be dropped.
package struct Made: Sendable {
    var values: [any Sendable] = []
}

/// What a build did.
package struct BuildOutcome: Sendable {
    package var check: CheckOutcome
    /// False when the content had errors: the output folder was left as it was.
    package var wrote: Bool
    package var publishedCount: Int
    /// Entries in the reference index.
    package var sourceCount: Int
    package var fileCount: Int
    /// Topic pages kept as an earlier build wrote them, their inputs unchanged.
    package var keptCount: Int = 0
    /// Files kept so: the topic pages and the site-wide files worth keeping.
    package var keptFileCount: Int = 0
    /// What the user should know about the output that is not a fault of a page.
    package var outputWarnings: [String] = []
}

/// The build, stage by stage: load → parse → resolve citations → assemble → check → render → write.
package enum Pipeline {
    /// With a `store`, pages unchanged since the run that last saved it are not parsed again,
    /// and the store is saved (if it writes) as soon as every page has its result. A build with
    /// a store also keeps the files whose inputs are unchanged (`OutputManifest`).
    package static func check(
        content: String, today: Day, workers: WorkerPool? = nil, store: ResultStore? = nil
    ) async throws -> CheckOutcome {
        var cache = PageCache()
        var (site, outcome) = try await assembleAndCheck(
            content: content, today: today, cache: &cache, workers: workers, store: store)
        outcome.made = Made(values: [cache, site])
        return outcome
    }

    package static func build(
        content: String, templates: String, output: String, today: Day, workers: WorkerPool? = nil,
        store: ResultStore? = nil
    ) async throws -> BuildOutcome {
        let templateSet = try stage(.rendering, templates) { try TemplateSet(directory: templates) }
        // Held until this build has swapped its site in (or failed): a second build into the
        // same folder is refused, naming this one's process.
        let lock = try stage(.output, output) { try OutputLock(output: output) }
        defer { withExtendedLifetime(lock) {} }
        // Reading the whole output folder (10,000 pages: about 0.2 s) runs while the pages are parsed.
        let replaceable = Task { try stage(.output, output) { try OutputWriter.checkReplaceable(output) } }
        // The cache (every page's source bytes among it) goes before rendering starts.
        let assembled: (site: Site, outcome: CheckOutcome)
        do {
            var cache = PageCache()
            assembled = try await assembleAndCheck(
                content: content, today: today, cache: &cache, workers: workers, store: store,
                indexesReferences: true)
        } catch {
            _ = await replaceable.result
            throw error
        }
        let (site, outcome) = assembled
        try await replaceable.value
        let published = site.pages.count(where: \.isPublished)
        guard outcome.diagnostics.errorCount == 0 else {
            return BuildOutcome(check: outcome, wrote: false, publishedCount: published, sourceCount: 0, fileCount: 0)
        }
        // The kept-outputs manifest is the orchestrator's to read and save; rendering is handed
        // what the spare's build recorded.
        let reuse = store.map { store in
            let (directory, program) = store.reuseInputs()
            return (directory, OutputManifest.load(directory: directory), program)
        }
        let written = try await stage(.output, output) {
            try await SiteWriter.write(
                site, diagnostics: outcome.diagnostics, templates: templateSet, contentDirectory: content,
                into: output,
                reuse: reuse.map { _, manifest, program in
                    RenderReuse(program: program) { manifest.files(of: $0) }
                })
        }
        var checked = outcome
        checked.made = Made(values: [site])
        if let (directory, manifest, _) = reuse, let build = written.build {
            let problem = manifest.recording(build: build, files: written.records, replaced: written.replacedBuild)
                .save(directory: directory)
            // One line is enough: both files live in the same cache folder.
            checked.cacheProblem = checked.cacheProblem ?? problem
        }
        return BuildOutcome(
            check: checked, wrote: true, publishedCount: published, sourceCount: site.referenceIndex.entries.count,
            fileCount: written.files, keptCount: written.keptTopics, keptFileCount: written.kept,
            outputWarnings: outputWarnings(site.settings, output: output, swappedAtomically: written.swappedAtomically))
    }

    /// What `sourced --version` prints: this program's version and the cmark-gfm library's it
    /// runs with (Debian's, linked dynamically).
    package static let versionLine = "sourced \(version) (cmark-gfm \(MarkdownRenderer.libraryVersion))"

    /// This program's version.
    package static let version = "0.22.0"

    static func outputWarnings(_ settings: SiteSettings, output: String, swappedAtomically: Bool) -> [String] {
        var warnings: [String] = []
        if !settings.baseURL.contains("://") {
            warnings.append(
                "site.yaml sets no absolute base_url (such as https://kb.example.org/), so sitemap.xml and feed.xml hold relative URLs, which their readers cannot follow"
            )
        }
        if !swappedAtomically {
            warnings.append(
                "the file system of '\(output)' cannot swap two folders in one step (renameat2 RENAME_EXCHANGE), so the site was swapped in with two renames: for a moment there was no '\(output)'"
            )
        }
        return warnings
    }

    static func assembleAndCheck(content: String, today: Day) async throws -> (site: Site, outcome: CheckOutcome) {
        var cache = PageCache()
        return try await assembleAndCheck(content: content, today: today, cache: &cache)
    }

    /// `indexesReferences` builds the reference index (which only rendering needs) on another
    /// thread while the checks run.
    static func assembleAndCheck(
        content: String, today: Day, cache: inout PageCache, changed: Set<String>? = nil, workers: WorkerPool? = nil,
        store: ResultStore? = nil, indexesReferences: Bool = false
    ) async throws -> (site: Site, outcome: CheckOutcome) {
        store?.startLoading()
        var updated: ContentTree?
        if let changed, let previous = cache.tree, previous.directory == content {
            updated = try stage(.loading, content) {
                try cache.update(previous.tree, directory: content, changed: changed)
            }
        }
        let tree = try stage(.loading, content) { try updated ?? cache.load(directory: content) }
        cache.tree = (content, tree)
        let (settings, settingsDiagnostics, settingsPositions) = SiteSettingsDecoder.decodeWithPositions(
            tree.siteSettings)
        // The pages do not need the bibliography: it is decoded (41,000 lines in the 10,000-page
        // benchmark, 0.2 s) while they are parsed.
        let decoding = Task { [known = cache.bibliography(tree.bibliography), file = tree.bibliography] in
            known ?? BibliographyDecoder.decode(file)
        }
        let results = try await cache.results(for: tree.pages, settings: settings) { stale in
            guard let store else { return try await parsePages(stale, settings: settings, workers: workers) }
            // The store keeps what it is given: every page, as a fresh in-memory cache passes.
            return try await store.results(for: stale, settings: settings) {
                try await parsePages($0, settings: settings, workers: workers)
            }
        }
        // Before the rendering, which is when a build uses the most memory.
        let cacheProblem = store?.saveIfWritable()
        let decoded = await decoding.value
        cache.remember(bibliography: tree.bibliography, decoded)
        let (imports, importDiagnostics) = try importedBibliographies(
            settings, tree: tree, content: content, cache: &cache, position: settingsPositions["bibliography"])
        let reads = imports.map { cache.imported($0) }
        let bibliography = decoded.0 + reads.flatMap(\.0)
        let bibliographyDiagnostics = decoded.1 + importDiagnostics + reads.flatMap(\.1)
        let (statuses, statusDiagnostics) = try retractions(
            settings, tree: tree, content: content, cache: &cache,
            cited: { body in
                for located in bibliography { body(located.reference) }
                for result in results { for located in result.metadata?.references ?? [] { body(located.reference) } }
            }, position: settingsPositions["sources"], store: store)
        var site = cache.assemble(
            settings: settings, today: today, bibliography: tree.bibliography, references: bibliography,
            results: results,
            attachments: tree.attachments.filter {
                $0 != settings.retractionsPath && !settings.bibliographyFiles.contains($0)
            },
            statuses: statuses, imported: imports)
        if let file = tree.siteSettings {
            site.disclaimer = PageParser.disclaimer(
                settings, file: file.path, position: settingsPositions["disclaimer"] ?? .init(line: 1, column: 1))
            site.editorialPolicy = PageParser.editorialPolicy(
                settings, file: file.path, position: settingsPositions["editorial_policy"] ?? .init(line: 1, column: 1))
        }
        if indexesReferences { Task.detached { [site] in _ = site.referenceIndex } }
        var diagnostics = settingsDiagnostics + bibliographyDiagnostics + statusDiagnostics
        diagnostics += results.flatMap(\.diagnostics)
        diagnostics += cache.checks.run(site)
        let outcome = CheckOutcome(
            diagnostics: Array(Set(diagnostics)).sorted(), pageCount: tree.pages.count, cacheProblem: cacheProblem)
        return (site, outcome)
    }

    /// The files `site.yaml`'s `bibliography:` names, read from the content folder; a name that
    /// is not a file there is reported at the setting.
    static func importedBibliographies(
        _ settings: SiteSettings, tree: ContentTree, content: String, cache: inout PageCache, position: TextPosition?
    ) throws -> ([SourceFile], [Diagnostic]) {
        var files: [SourceFile] = []
        var diagnostics: [Diagnostic] = []
        let base = ContentLoader.folder(content)
        for path in settings.bibliographyFiles {
            guard tree.attachments.contains(path) else {
                diagnostics.append(
                    Diagnostic(
                        file: tree.siteSettings?.path ?? "site.yaml", position: position ?? .init(line: 1, column: 1),
                        rule: .invalidReference,
                        message: "'bibliography' names '\(path)', which is not a file in the content folder",
                        hint: "export the library into the content folder and give its path from there"))
                continue
            }
            files.append(
                try stage(.loading, ContentLoader.displayPath(path, in: base)) {
                    try ContentLoader.read(path, in: base)
                })
        }
        return (files, diagnostics)
    }

    /// What `site.yaml`'s `sources.retractions` (the Retraction Watch data) says of the sources
    /// `wanted` gives; nothing when it names no file. A name that is not a file in the content
    /// folder is reported at the setting.
    static func retractions(
        _ settings: SiteSettings, tree: ContentTree, content: String, cache: inout PageCache,
        cited each: ((Reference) -> Void) -> Void, position: TextPosition?, store: ResultStore? = nil
    ) throws -> (RetractionWatch.Statuses, [Diagnostic]) {
        guard let path = settings.retractionsPath else { return (.init(), []) }
        guard tree.attachments.contains(path) else {
            let problem = Diagnostic(
                file: tree.siteSettings?.path ?? "site.yaml", position: position ?? .init(line: 1, column: 1),
                rule: .invalidReference,
                message: "'sources.retractions' names '\(path)', which is not a file in the content folder",
                hint: "put the Retraction Watch CSV in the content folder and give its path from there")
            return (.init(), [problem])
        }
        return try stage(.loading, ContentLoader.displayPath(path, in: ContentLoader.folder(content))) {
            try cache.retractions(
                path, in: ContentLoader.folder(content), cited: each, memo: store.map(RetractionMemo.init),
                writes: store?.writes ?? false)
        }
    }

    /// The per-page stage over every page: in worker processes when a pool is given, else in
    /// this process, a bounded number at a time.
    static func parsePages(_ files: [SourceFile], settings: SiteSettings, workers pool: WorkerPool? = nil) async throws
        -> [PageResult]
    {
        if let pool {
            return try await stage(.workers, pool.options.executable) {
                try await pool.parse(files, settings: settings)
            }
        }
        let workers = max(1, ProcessInfo.processInfo.activeProcessorCount)
        return await withTaskGroup(of: (Int, PageResult).self) { group in
            var results = [PageResult?](repeating: nil, count: files.count)
            var next = 0
            while next < min(workers, files.count) {
                let index = next
                group.addTask { (index, PageParser.parse(files[index], settings: settings)) }
                next += 1
            }
            while let (index, result) = await group.next() {
                results[index] = result
                if next < files.count {
                    let index = next
                    group.addTask { (index, PageParser.parse(files[index], settings: settings)) }
                    next += 1
                }
            }
            return results.compactMap { $0 }
        }
    }
}
