//! What `<demo> list --json` prints: the demo's experiments (each with the
//! claim it tests) and its tools, one typed shape that the demo writes and
//! xtask reads, so the two cannot drift apart as untyped JSON could.

use serde::{Deserialize, Serialize};

/// A demo's catalogue: one JSON object on one line.
///
/// ```text
/// {"demo":"gil-sim","experiments":[{"name":"cpu-bound","claim":"..."}],
///  "tools":[{"name":"dis","about":"..."}]}
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Listing {
    /// The demo binary (`gil-sim`).
    pub demo: String,
    /// Its experiments, in the order `list` shows them (none: not built yet).
    pub experiments: Vec<Listed>,
    /// Its tools: commands that are not experiments (`dis`, `trace`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tools: Vec<ListedTool>,
}

/// One experiment of a [`Listing`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Listed {
    /// The experiment's name, as typed on the command line.
    pub name: String,
    /// The claim it tests, one sentence.
    pub claim: String,
}

/// One tool of a [`Listing`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListedTool {
    /// The tool's name, as typed on the command line.
    pub name: String,
    /// What it does, one sentence.
    pub about: String,
}

impl Listing {
    /// Reads the line a demo's `list --json` printed, with the line in the
    /// error when it is not a listing.
    pub fn parse(line: &str) -> Result<Listing, String> {
        serde_json::from_str(line.trim())
            .map_err(|e| format!("not a listing ({e}): {:?}", line.trim()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_listing_reads_back_what_was_written() {
        let l = Listing {
            demo: "gil-sim".into(),
            experiments: vec![Listed {
                name: "cpu-bound".into(),
                claim: "threads do not speed up CPU-bound work under a GIL".into(),
            }],
            tools: vec![ListedTool {
                name: "dis".into(),
                about: "disassemble a program".into(),
            }],
        };
        let line = serde_json::to_string(&l).unwrap();
        assert_eq!(Listing::parse(&line), Ok(l));
    }

    #[test]
    fn a_listing_without_tools_reads_and_a_stray_field_does_not() {
        let l = Listing::parse(r#"{"demo":"d","experiments":[]}"#).unwrap();
        assert!(l.experiments.is_empty() && l.tools.is_empty());
        let err = Listing::parse(r#"{"demo":"d","experiments":[{"name":"a","claim":"c","x":1}]}"#)
            .unwrap_err();
        assert!(err.contains("not a listing"), "{err}");
    }
}
