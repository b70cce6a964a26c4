//! A parser for TL, the Type Language Telegram describes its API and MTProto in.
//!
//! [`parse`] turns `.tl` text (such as Telegram's `api.tl` and `mtproto.tl`) into a
//! [`Schema`]: every constructor and function as a [`Definition`] with its namespace,
//! id, generic parameters, flag-conditional [`Parameter`]s and result [`Type`], plus
//! the core-type lines (`int ? = Int;`, `vector {t:Type} # [ t ] = Vector t;`).
//! Each definition remembers its [`Span`] and the comment lines above it.
//!
//! A missing id is inferred as the CRC32 of the normalised definition, as the TL spec
//! prescribes ([`Definition::inferred_id`]). Malformed input never panics: every
//! problem becomes a [`ParseError`] with its `line:col`, and parsing carries on so one
//! run reports all of them.
//!
//! ```
//! let schema = ferrogram_tl_parser::parse(
//!     "inputPeerUser#dde8a54c user_id:long access_hash:long = InputPeer;",
//! )?;
//! let def = &schema.definitions[0];
//! assert_eq!(def.name, "inputPeerUser");
//! assert_eq!(def.id, 0xdde8a54c);
//! assert_eq!(def.inferred_id(), def.id);
//! # Ok::<(), ferrogram_tl_parser::ParseErrors>(())
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod ast;
mod error;
mod parse;

pub use ast::{Category, CoreType, Definition, Flag, Parameter, ParameterKind, Schema, Span, Type};
pub use error::{ParseError, ParseErrorKind, ParseErrors};
pub use parse::parse_lossy;

/// Parses schema text; fails with every error found if there is any.
pub fn parse(src: &str) -> Result<Schema, ParseErrors> {
    let (schema, errors) = parse_lossy(src);
    if errors.is_empty() {
        Ok(schema)
    } else {
        Err(ParseErrors(errors))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(src: &str) -> Vec<(u32, u32, ParseErrorKind)> {
        parse_lossy(src)
            .1
            .into_iter()
            .map(|e| (e.span.line, e.span.col, e.kind))
            .collect()
    }

    #[test]
    fn full_definition() {
        let s = parse(
            "// LAYER 7\n---functions---\n/// Gets things.\nns.getThing#0000abcd {X:Type} flags:# a:flags.3?true b:flags.31?Vector<long> c:vector<%Foo> q:!X = X;\n",
        )
        .unwrap();
        assert_eq!(s.layer, Some(7));
        let d = &s.definitions[0];
        assert_eq!(d.category, Category::Function);
        assert_eq!(d.namespace, vec!["ns".to_string()]);
        assert_eq!(d.id, 0xabcd);
        assert_eq!(d.generics, vec!["X".to_string()]);
        assert_eq!(d.doc, vec!["Gets things.".to_string()]);
        assert_eq!(d.span, Span { line: 4, col: 1 });
        assert_eq!(d.params.len(), 5);
        let ParameterKind::Normal { ty, flag } = &d.params[2].kind else {
            panic!()
        };
        assert_eq!(flag.as_ref().unwrap().index, 31);
        assert_eq!(ty.to_string(), "Vector<long>");
        let ParameterKind::Normal { ty, .. } = &d.params[3].kind else {
            panic!()
        };
        assert!(ty.bare && ty.generic_arg.as_ref().unwrap().percent);
        let ParameterKind::Normal { ty, .. } = &d.params[4].kind else {
            panic!()
        };
        assert!(ty.bang && ty.generic_ref);
        assert!(d.ty.generic_ref);
    }

    #[test]
    fn missing_id_is_inferred() {
        let s = parse("inputPeerUser user_id:long access_hash:long = InputPeer;").unwrap();
        assert_eq!(s.definitions[0].explicit_id, None);
        assert_eq!(s.definitions[0].id, 0xdde8a54c);
        let s = parse("msgs_ack msg_ids:Vector<long> = MsgsAck;").unwrap();
        assert_eq!(s.definitions[0].id, 0x62d6b459);
    }

    #[test]
    fn multi_line_definition_and_trailing_comment() {
        let s = parse("a#1 x:int // the x\n  y:long = A;").unwrap();
        assert_eq!(s.definitions[0].params.len(), 2);
    }

    #[test]
    fn core_types() {
        let s =
            parse("int ? = Int;\nvector {t:Type} # [ t ] = Vector t;\nint128 4*[ int ] = Int128;")
                .unwrap();
        assert_eq!(s.core_types.len(), 3);
        assert!(s.definitions.is_empty());
        assert_eq!(s.core_types[1].ty, "Vector t");
    }

    #[test]
    fn each_malformed_input_is_reported_with_position() {
        assert_eq!(
            kinds("a#1 x:int A;"),
            vec![(1, 1, ParseErrorKind::MissingEquals)]
        );
        assert_eq!(
            kinds("a#1 x:int =;"),
            vec![(1, 11, ParseErrorKind::MissingResultType)]
        );
        assert_eq!(
            kinds("\n  a#1 x:int = A"),
            vec![(2, 3, ParseErrorKind::MissingSemicolon)]
        );
        assert_eq!(
            kinds("1a#1 = A;"),
            vec![(1, 1, ParseErrorKind::InvalidName("1a".into()))]
        );
        assert_eq!(
            kinds("a#xyz = A;"),
            vec![(1, 3, ParseErrorKind::InvalidId("xyz".into()))]
        );
        assert_eq!(
            kinds("a#123456789 = A;"),
            vec![(1, 3, ParseErrorKind::InvalidId("123456789".into()))]
        );
        assert_eq!(
            kinds("a#1 x = A;"),
            vec![(1, 5, ParseErrorKind::InvalidParameter("x".into()))]
        );
        assert_eq!(
            kinds("a#1 f:# x:f.32?int = A;"),
            vec![(1, 11, ParseErrorKind::InvalidFlag("f.32".into()))]
        );
        assert_eq!(
            kinds("a#1 f:# x:f?int = A;"),
            vec![(1, 11, ParseErrorKind::InvalidFlag("f".into()))]
        );
        assert_eq!(
            kinds("a#1 x:g.1?int = A;"),
            vec![(1, 7, ParseErrorKind::UnknownFlagsField("g".into()))]
        );
        assert_eq!(
            kinds("a#1 x:Vector<int = A;"),
            vec![(1, 7, ParseErrorKind::InvalidType("Vector<int".into()))]
        );
        assert_eq!(
            kinds("a#1 x:!X = A;"),
            vec![(1, 7, ParseErrorKind::UnknownGeneric("X".into()))]
        );
        assert_eq!(
            kinds("a#1 {X:Foo} = A;"),
            vec![(1, 5, ParseErrorKind::InvalidGeneric("{X:Foo}".into()))]
        );
        assert_eq!(
            kinds("a#1 x:int x:int = A;"),
            vec![(1, 11, ParseErrorKind::DuplicateParameter("x".into()))]
        );
        assert_eq!(
            kinds("---methods---"),
            vec![(1, 1, ParseErrorKind::UnknownSection("---methods---".into()))]
        );
        assert_eq!(
            kinds("a#1 = A B;"),
            vec![(1, 7, ParseErrorKind::InvalidType("A B".into()))]
        );
    }

    #[test]
    fn parsing_continues_after_errors() {
        let (schema, errors) = parse_lossy("bad = ;\nok#1 = A;\nalso bad\n;\nfine#2 x:int = B;");
        assert_eq!(errors.len(), 2, "{errors:?}");
        assert_eq!(schema.definitions.len(), 2);
        let msg = ParseErrors(errors).to_string();
        assert!(msg.contains("1:5: missing type after `=`"), "{msg}");
    }

    #[test]
    fn never_panics_on_odd_input() {
        for src in [
            "",
            ";",
            "#",
            "a#",
            "= ;",
            "a:b:c = ;",
            "{",
            "a {X:Type} x:!X = X",
            "é#1 = A;",
            "a#1 x:%% = A;",
            "a#1 x:<> = A;",
            "---",
        ] {
            let _ = parse_lossy(src);
        }
    }
}
