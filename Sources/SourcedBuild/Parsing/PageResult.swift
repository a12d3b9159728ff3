import SourcedCore
import SourcedMarkdown

/// Everything one page yields on its own: the per-page stage's self-contained output.
///
/// It depends only on the page's bytes and the site settings, never on other pages, so
/// it can be computed anywhere (a worker process, a cache) and serialised.
public struct PageResult: Sendable, Equatable {
    public var file: String
    public var relativePath: String
    /// Nil when the front matter is unusable; diagnostics then say why.
    public var metadata: TopicMetadata?
    public var markdown: RenderedMarkdown?
    /// One per `markdown.links` entry, in the same order.
    public var links: [LinkTarget]
    public var diagnostics: [Diagnostic]
    /// Hex SHA-256 of the normalised body, for approval fingerprints.
    public var bodyDigest: String?

    /// The URL slug: the front matter's, else the file name without `.md`.
    public var slug: String {
        if let slug = metadata?.slug { return slug }
        let name = relativePath.split(separator: "/").last.map(String.init) ?? relativePath
        return String(name.dropLast(3))
    }
}

/// Where a link in a page body points, resolved against the content folder.
public enum LinkTarget: Sendable, Equatable {
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
