import Foundation
import SourcedCore

/// What the last build read and made, reused by the next while its inputs stay the same, so
/// that after an edit in the preview only the edited page is read, parsed and assembled again.
package struct PageCache: Sendable {
    var settings: SiteSettings?
    var entries: [String: (bytes: [UInt8], result: PageResult)] = [:]
    /// Paths the last `results` call had to parse.
    private(set) var fresh: Set<String> = []
    /// The content folder's files as last read.
    var files: [String: ContentLoader.LoadedFile] = [:]
    /// The last tree loaded, and from which folder.
    var tree: (directory: String, tree: ContentTree)?
    var checks = CheckCache()
    private var bibliography: (bytes: [UInt8]?, decoded: ([LocatedReference], [Diagnostic]))?
    /// Pages as the last assembly made them, with what they depend on beyond their own result.
    private var assembled:
        (
            settings: SiteSettings, today: Day, bibliography: [[UInt8]?], statuses: RetractionWatch.Statuses,
            pages: [String: SitePage]
        )?
    /// Each reference manager's file (`bibliography:` in site.yaml) as last read, and what it gave.
    private var imported: [String: (bytes: [UInt8], read: ([LocatedReference], [Diagnostic]))] = [:]
    /// The Retraction Watch file as last read, and what it gave for which identities.
    private var retractions:
        (
            path: String, identity: ContentLoader.FileIdentity, cited: String,
            read: (RetractionWatch.Statuses, [Diagnostic])
        )?

    package init() {}

    /// The content folder, reading again only the files whose identity changed since the last
    /// load (the preview's rebuilds).
    mutating func load(directory: String) throws -> ContentTree {
        let listing = try ContentLoader.list(directory: directory)
        var loaded: [String: ContentLoader.LoadedFile] = [:]
        loaded.reserveCapacity(files.count)
        for (relative, identity) in listing.read {
            loaded[relative] = try reuseOrRead(relative, identity: identity, in: listing.base)
        }
        files = loaded
        return ContentLoader.tree(listing, files: loaded.mapValues(\.file))
    }

    /// `previous` brought up to date from the paths a file watcher saw change, reading only
    /// those; nil when the whole folder must be loaded (see `ContentLoader.changes`).
    mutating func update(_ previous: ContentTree, directory: String, changed: Set<String>) throws -> ContentTree? {
        guard let changes = ContentLoader.changes(previous, directory: directory, changed: changed) else { return nil }
        let base = ContentLoader.folder(directory)
        var read: [String: SourceFile] = [:]
        for change in changes {
            switch change {
            case .removed(let relative): files[relative] = nil
            case .attachment: break
            case .file(let relative, let identity):
                let entry = try reuseOrRead(relative, identity: identity, in: base)
                files[relative] = entry
                read[relative] = entry.file
            }
        }
        return previous.applying(changes, files: read)
    }

    /// The file as last read if it still has its identity, else the file read afresh.
    private func reuseOrRead(_ relative: String, identity: ContentLoader.FileIdentity, in base: String) throws
        -> ContentLoader.LoadedFile
    {
        if let known = files[relative], known.identity == identity,
            known.file.path == ContentLoader.displayPath(relative, in: base)
        {
            return known
        }
        return ContentLoader.LoadedFile(identity: identity, file: try ContentLoader.read(relative, in: base))
    }

    /// Every page's result: cached where its bytes and the settings are unchanged, else from
    /// `parse`, which gets only the pages that need it. Afterwards the cache holds exactly these.
    mutating func results(
        for pages: [SourceFile], settings: SiteSettings, parse: ([SourceFile]) async throws -> [PageResult]
    ) async rethrows -> [PageResult] {
        if self.settings != settings { entries = [:] }
        self.settings = settings
        var results: [PageResult?] = []
        results.reserveCapacity(pages.count)
        var stale: [Int] = []
        for (index, page) in pages.enumerated() {
            if let entry = entries[page.relativePath], entry.bytes == page.bytes {
                results.append(entry.result)
            } else {
                results.append(nil)
                stale.append(index)
            }
        }
        for (index, result) in zip(stale, try await parse(stale.map { pages[$0] })) {
            results[index] = result
            entries[pages[index].relativePath] = (pages[index].bytes, result)
        }
        fresh = Set(stale.map { pages[$0].relativePath })
        // Only a page that went leaves an entry behind.
        if entries.count > pages.count {
            let present = Set(pages.map(\.relativePath))
            entries = entries.filter { present.contains($0.key) }
        }
        return results.map { $0! }
    }

    /// The decoded bibliography, if its bytes are the ones last decoded.
    func bibliography(_ file: SourceFile?) -> ([LocatedReference], [Diagnostic])? {
        guard let bibliography, bibliography.bytes == file?.bytes else { return nil }
        return bibliography.decoded
    }

    mutating func remember(bibliography file: SourceFile?, _ decoded: ([LocatedReference], [Diagnostic])) {
        bibliography = (file?.bytes, decoded)
    }

    /// The sources of a reference manager's file, read again only when its bytes changed.
    mutating func imported(_ file: SourceFile) -> ([LocatedReference], [Diagnostic]) {
        if let kept = imported[file.relativePath], kept.bytes == file.bytes { return kept.read }
        let read =
            file.relativePath.lowercased().hasSuffix(".bib") ? BibTeXReader.read(file) : CSLJSONReader.read(file)
        imported[file.relativePath] = (file.bytes, read)
        return read
    }

    /// The statuses the Retraction Watch file at `relative` (in the content folder `base`)
    /// gives the sources `each` names: read again only when the file or those sources (their
    /// `RetractionWatch.digest`) changed since this cache, or the last run's `memo`, read it.
    mutating func retractions(
        _ relative: String, in base: String, cited each: ((Reference) -> Void) -> Void, memo: RetractionMemo? = nil,
        writes: Bool = false
    ) throws -> (RetractionWatch.Statuses, [Diagnostic]) {
        let path = ContentLoader.displayPath(relative, in: base)
        var info = stat()
        guard lstat(path, &info) == 0 else { throw LoadError(description: "cannot read '\(path)'") }
        let identity = ContentLoader.FileIdentity(info)
        let cited = RetractionWatch.digest(each)
        if let retractions, retractions.path == path, retractions.identity == identity, retractions.cited == cited {
            return retractions.read
        }
        let read: (RetractionWatch.Statuses, [Diagnostic])
        if let kept = memo?.load(path: path, identity: identity, cited: cited) {
            read = kept
        } else {
            var wanted = RetractionWatch.Identities()
            each { wanted.insert($0) }
            read = RetractionWatch.read(try ContentLoader.read(relative, in: base), wanted: wanted)
            if writes { memo?.save(path: path, identity: identity, cited: cited, read) }
        }
        retractions = (path, identity, cited, read)
        return read
    }

    /// Assembles the site, reusing each page the last assembly made if neither the page nor
    /// the settings, the day, the bibliography or the sources' statuses changed since.
    mutating func assemble(
        settings: SiteSettings, today: Day, bibliography: SourceFile?, references: [LocatedReference],
        results: [PageResult], attachments: [String], statuses: RetractionWatch.Statuses = .init(),
        imported: [SourceFile] = []
    ) -> Site {
        let bibliographies = [bibliography?.bytes] + imported.map(\.bytes)
        var previous: [String: SitePage] = [:]
        if let assembled, assembled.settings == settings, assembled.today == today,
            assembled.bibliography == bibliographies, assembled.statuses == statuses
        {
            previous = assembled.pages
        }
        let references = SiteAssembler.marked(references, statuses)
        // Before anything is copied out of a result: most pages of a rebuild are reused.
        let sorted = SiteAssembler.sortedByPath(results)
        var slots = sorted.map { fresh.contains($0.relativePath) ? nil : previous[$0.relativePath] }
        let missing = slots.indices.filter { slots[$0] == nil }
        let byKey = SiteAssembler.byKey(references)
        let made = SiteAssembler.makePages(
            missing.map { sorted[$0] }, settings: settings, today: today, bibliography: byKey, statuses: statuses)
        for (slot, page) in zip(missing, made) { slots[slot] = page }
        let site = SiteAssembler.site(
            settings: settings, today: today, bibliography: references, byKey: byKey, results: sorted,
            pages: slots, attachments: attachments)
        var pages: [String: SitePage] = [:]
        for page in site.pages { pages[page.result.relativePath] = page }
        assembled = (settings, today, bibliographies, statuses, pages)
        return site
    }
}
