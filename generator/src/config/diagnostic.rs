//! Config errors as `miette` diagnostics: every problem carries the span of the offending value, a message that
//! names what was found, and help that says what is allowed. The binary renders them with file:line:column.

use std::fmt;
use std::ops::Range;

use miette::{Diagnostic, LabeledSpan, NamedSource, SourceCode};

use super::IssueCode;

/// One problem in a config file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigIssue {
    /// Stable machine-readable code, such as `config::bucket_name`.
    pub code: IssueCode,
    pub message: String,
    pub span: Range<usize>,
    pub label: String,
    pub help: Option<String>,
}

impl fmt::Display for ConfigIssue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ConfigIssue {}

impl Diagnostic for ConfigIssue {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(format!("generator::{}", self.code)))
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let span = LabeledSpan::new_with_span(Some(self.label.clone()), self.span.clone());
        Some(Box::new(std::iter::once(span)))
    }
}

/// Every problem found in one config file, reported together.
#[derive(Debug)]
pub struct ConfigErrors {
    pub path: String,
    pub source: NamedSource<String>,
    pub issues: Vec<ConfigIssue>,
}

impl ConfigErrors {
    pub fn new(path: &str, text: &str, issues: Vec<ConfigIssue>) -> Self {
        Self {
            path: path.to_owned(),
            source: NamedSource::new(path, text.to_owned()),
            issues,
        }
    }

    /// `(line, column)`, both 1-based, of an issue's span: what a reader (or an editor) jumps to.
    pub fn line_column(&self, issue: &ConfigIssue) -> (usize, usize) {
        let text = self.source.inner();
        let start = issue.span.start.min(text.len());
        let before = &text[..start];
        let line = before.matches('\n').count() + 1;
        let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        (line, column)
    }
}

impl fmt::Display for ConfigErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.issues.len();
        write!(
            f,
            "{} has {} problem{}",
            self.path,
            n,
            if n == 1 { "" } else { "s" }
        )
    }
}

impl std::error::Error for ConfigErrors {}

impl Diagnostic for ConfigErrors {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new("generator::config"))
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(&self.source)
    }

    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn Diagnostic> + 'a>> {
        Some(Box::new(self.issues.iter().map(|i| i as &dyn Diagnostic)))
    }
}

/// Renders every problem with file:line:column, the offending source line and a caret, as the binary prints it.
/// Without colour the output is stable, so tests pin it with snapshots.
pub fn render(errors: &ConfigErrors, color: bool) -> String {
    use miette::{GraphicalReportHandler, GraphicalTheme};
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(110)
        .with_links(false)
        .with_break_words(false)
        .with_word_splitter(textwrap::WordSplitter::NoHyphenation);
    let mut out = String::new();
    // Writing into a String cannot fail.
    let _ = handler.render_report(&mut out, errors);
    out
}
