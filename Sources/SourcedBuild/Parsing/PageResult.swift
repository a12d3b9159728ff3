import SourcedCore
import SourcedMarkdown

/// Everything one page yields on its own: the per-page stage's self-contained output.
///
/// It depends only on the page's bytes and the site settings, never on other pages, so
/// it can be computed anywhere (a worker process, a cache) and serialised.
package struct PageResult: Sendable, Equatable {
    package var file: String {
        get { box.fields.file }
        set { update { $0.file = newValue } }
    }
    package var relativePath: String {
        get { box.fields.relativePath }
        set { update { $0.relativePath = newValue } }
    }
    /// Nil when the front matter is unusable; diagnostics then say why.
    package var metadata: TopicMetadata? {
        get { box.fields.metadata }
        set { update { $0.metadata = newValue } }
    }
    package var markdown: RenderedMarkdown? {
        get { box.fields.markdown }
        set { update { $0.markdown = newValue } }
    }
    /// One per `markdown.links` entry, in the same order.
    package var links: [LinkTarget] {
        get { box.fields.links }
        set { update { $0.links = newValue } }
    }
    package var diagnostics: [Diagnostic] {
        get { box.fields.diagnostics }
        set { update { $0.diagnostics = newValue } }
    }
    /// Hex SHA-256 of the normalised body, for approval fingerprints.
    package var bodyDigest: String? {
        get { box.fields.bodyDigest }
        set { update { $0.bodyDigest = newValue } }
    }

    init(
        file: String, relativePath: String, metadata: TopicMetadata?, markdown: RenderedMarkdown?,
        links: [LinkTarget], diagnostics: [Diagnostic], bodyDigest: String? = nil
    ) {
        box = Box(
            Fields(
                file: file, relativePath: relativePath, metadata: metadata, markdown: markdown, links: links,
                diagnostics: diagnostics, bodyDigest: bodyDigest))
    }

    /// The URL slug: the front matter's, else the file name without `.md`.
    package var slug: String {
        if let slug = metadata?.slug { return slug }
        let name = relativePath.split(separator: "/").last.map(String.init) ?? relativePath
        return String(name.dropLast(3))
    }

    package static func == (a: PageResult, b: PageResult) -> Bool {
        a.box === b.box || a.box.fields == b.box.fields
    }

    // The fields live in one shared box, copied on write: a copy of a result is one
    // reference, not two dozen. The preview cache hands all 10,000 results over on every
    // rebuild, and copying and freeing their fields was a fifth of a rebuild after one edit.

    private struct Fields: Sendable, Equatable {
        var file: String
        var relativePath: String
        var metadata: TopicMetadata?
        var markdown: RenderedMarkdown?
        var links: [LinkTarget]
        var diagnostics: [Diagnostic]
        var bodyDigest: String?
    }

    /// Changed only while uniquely referenced (see `update`), so never while shared.
    private final class Box: @unchecked Sendable {
        var fields: Fields
        init(_ fields: Fields) { self.fields = fields }
    }

    private var box: Box

    private mutating func update(_ change: (inout Fields) -> Void) {
        if !isKnownUniquelyReferenced(&box) { box = Box(box.fields) }
        change(&box.fields)
    }
}

/// Where a link in a page body points, resolved against the content folder.
/// `site.yaml`'s disclaimer, shown on every topic page: Markdown whose links are checked and
/// rewritten as a page's are, reported at the field (its text's lines are not the file's).
/// Markdown written in `site.yaml` (the disclaimer, the editorial-policy link), parsed as a
/// page body at the top of the content folder; its links are checked at its field.
struct SettingsMarkdown: Sendable {
    var file: String
    var position: TextPosition
    var markdown: RenderedMarkdown
    var links: [LinkTarget]
}

package enum LinkTarget: Sendable, Equatable {
    /// Another topic page: its content path and optional heading anchor.
    case topic(path: String, fragment: String?)
    /// A file in the content folder, copied to the output as-is.
    case file(path: String)
    /// A heading on the same page.
    case fragment(String)
    /// A relative path that climbs out of the content folder.
    case outside
    /// Anything with a scheme, or site-absolute.
    case external
}
