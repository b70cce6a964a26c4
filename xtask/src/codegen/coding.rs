//! One constructor or function: its struct, its (de)serializer, `new(…)`.

use super::*;
use ferrogram_tl_parser::{Flag, Parameter};

/// What [`Generator::body`] gathers for one definition.
#[derive(Default)]
pub(super) struct Body {
    fields: Vec<TokenStream>,
    flag_setup: Vec<TokenStream>,
    ser_body: Vec<TokenStream>,
    de_body: Vec<TokenStream>,
    field_names: Vec<Ident>,
    /// For `new`: each field, its type, and whether `new` takes it.
    ctor_fields: Vec<(Ident, TokenStream, bool)>,
    canon: Vec<TokenStream>,
}

/// Optional fields that share one flag bit (`message.views` and `forwards` on
/// flags.10): the wire carries all of them or none, so a half-set group must not
/// set the bit and write only some. Groups whose types all have a zero value are
/// sent when any member is set, the unset ones as zero; other groups are sent only
/// when every member is set. A `true` flag sharing the bit with values (`user.bot`
/// and `bot_info_version`) is part of the group: it decodes as set whenever the
/// values are there, and setting it sends them (as zero when unset).
pub(super) struct FlagGroups(BTreeMap<(String, u32), Vec<(String, Kind)>>);

impl FlagGroups {
    fn new(generator: &Generator<'_>, def: &Definition) -> Self {
        let mut groups: BTreeMap<(String, u32), Vec<(String, Kind)>> = BTreeMap::new();
        for q in &def.params {
            if let ParameterKind::Normal { ty, flag: Some(f) } = &q.kind {
                groups
                    .entry((f.name.clone(), f.index))
                    .or_default()
                    .push((q.name.clone(), generator.field_kind(ty)));
            }
        }
        groups.retain(|_, members| {
            members.len() > 1 && members.iter().any(|(_, k)| !matches!(k, Kind::True))
        });
        Self(groups)
    }

    /// The group field `name` (on bit `index` of flags word `f`) belongs to.
    fn of(&self, name: &str, f: &str, index: u32) -> Option<&Vec<(String, Kind)>> {
        self.0
            .get(&(f.to_owned(), index))
            .filter(|m| m.iter().any(|(n, _)| n == name))
    }
}

/// Whether every member of a group has a zero value to send when unset.
fn all_zeroable(members: &[(String, Kind)]) -> bool {
    members
        .iter()
        .all(|(_, k)| matches!(k, Kind::True) || zero_value(k).is_some())
}

/// `self.x` for a flag, `self.x.is_some()` for a value.
fn is_set((name, k): &(String, Kind)) -> TokenStream {
    let f = field_ident(name);
    if matches!(k, Kind::True) {
        quote!(self.#f)
    } else {
        quote!(self.#f.is_some())
    }
}

impl Generator<'_> {
    // ----- coding ---------------------------------------------------------------

    /// Whether values of `k` are coded through the `Serializable` and
    /// `Deserializable` traits (everything but bare constructors, `true` and
    /// vectors holding those or bare vectors).
    pub(super) fn plain(k: &Kind) -> bool {
        match k {
            Kind::True | Kind::BareCtor(_) | Kind::Vector { bare: true, .. } => false,
            Kind::Vector { bare: false, inner } => Self::plain(inner),
            _ => true,
        }
    }

    /// Statements writing the value behind the reference expression `v`.
    pub(super) fn ser(&self, k: &Kind, v: TokenStream) -> TokenStream {
        match k {
            Kind::True => quote!(),
            Kind::BareCtor(_) => quote!(crate::BareSerializable::serialize_bare(#v, buf);),
            _ if Self::plain(k) => quote!(crate::Serializable::serialize(#v, buf);),
            Kind::Vector { bare, inner } => {
                let id = if *bare {
                    quote!()
                } else {
                    quote!(crate::Serializable::serialize(&crate::serialize::VECTOR_ID, buf);)
                };
                if Self::plain(inner) {
                    quote!(#id crate::serialize::write_items(buf, #v);)
                } else if let Kind::BareCtor(_) = **inner {
                    quote!(#id crate::serialize::write_bare_items(buf, #v);)
                } else {
                    let each = self.ser(inner, quote!(x));
                    quote!({
                        let v = #v;
                        #id
                        crate::serialize::write_len(buf, v.len());
                        for x in v.iter() { #each }
                    })
                }
            }
            _ => quote!(crate::Serializable::serialize(#v, buf);),
        }
    }

    /// An expression reading a value from `r`.
    pub(super) fn de(&self, k: &Kind) -> TokenStream {
        match k {
            Kind::Int => quote!(r.read_i32()?),
            Kind::Long => quote!(r.read_i64()?),
            Kind::Double => quote!(r.read_f64()?),
            Kind::Bool => quote!(r.read_bool()?),
            Kind::True => quote!(true),
            Kind::String => quote!(r.read::<crate::CompactString>()?),
            Kind::Bytes => quote!(r.read_bytes()?),
            Kind::Int128 => quote!(r.read_int128()?),
            Kind::Int256 => quote!(r.read_int256()?),
            _ if Self::plain(k) => {
                let ty = self.rust_type(k);
                quote!(r.read::<#ty>()?)
            }
            Kind::Vector { bare, inner } => {
                let id = if *bare {
                    quote!()
                } else {
                    quote!(r.read_vector_id()?;)
                };
                if Self::plain(inner) {
                    let ty = self.rust_type(inner);
                    quote!({ #id crate::deserialize::read_items::<#ty>(r)? })
                } else if let Kind::BareCtor(i) = **inner {
                    let ty = self.struct_path(i);
                    quote!({ #id crate::deserialize::read_bare_items::<#ty>(r)? })
                } else {
                    let min = Literal::usize_unsuffixed(self.min_size(inner));
                    let each = self.de(inner);
                    quote!({
                        #id
                        let n = r.read_count(#min)?;
                        let mut v = Vec::with_capacity(n);
                        for _ in 0..n { v.push(#each); }
                        v
                    })
                }
            }
            Kind::BareCtor(i) => {
                let ty = self.struct_path(*i);
                let id = hex(self.defs[*i].def.id);
                quote!(<#ty as crate::BareDeserializable>::deserialize_bare(r).map_err(|e| e.in_constructor(#id))?)
            }
            _ => {
                let ty = self.rust_type(k);
                quote!(r.read::<#ty>()?)
            }
        }
    }

    /// Struct, coding impls and canonical JSON for one constructor or function.
    ///
    /// Long because most of it is the `quote!` template of the generated items,
    /// which reads best whole; the logic lives in `body`, `field` and `flag_bits`.
    pub(super) fn definition_items(&self, idx: usize) -> TokenStream {
        let d = &self.defs[idx];
        let def = d.def;
        let ident = &d.ident;
        let id = hex(def.id);
        let tl_name = def.full_name();
        let is_fn = def.category == Category::Function;

        let mut doc = vec![format!("`{}`", doc_escape(&tl_line(def)))];
        if !def.doc.is_empty() {
            doc.push(String::new());
            doc.extend(def.doc.iter().cloned());
        }
        if def.explicit_id.is_none() {
            doc.push(String::new());
            doc.push("The schema gives no id; this one is the CRC32 the TL spec infers.".into());
        }

        let generics: Vec<Ident> = def.generics.iter().map(|g| format_ident!("{g}")).collect();
        let gen_decl = if generics.is_empty() {
            quote!()
        } else {
            quote!(<#(#generics),*>)
        };
        let with_bound = |bound: TokenStream| {
            if generics.is_empty() {
                quote!()
            } else {
                quote!(<#(#generics: #bound),*>)
            }
        };

        let Body {
            fields,
            flag_setup,
            ser_body,
            de_body,
            field_names,
            ctor_fields,
            canon,
        } = self.body(def);

        let buf_param = if ser_body.is_empty() {
            quote!(_buf)
        } else {
            quote!(buf)
        };
        let r_param = if de_body.is_empty() {
            quote!(_r)
        } else {
            quote!(r)
        };
        let canon_body = if canon.is_empty() {
            quote!()
        } else {
            let mut items = Vec::new();
            for (i, c) in canon.into_iter().enumerate() {
                if i > 0 {
                    items.push(quote!(out.push(',');));
                }
                items.push(c);
            }
            quote!(#(#items)*)
        };

        let ser_bound = with_bound(quote!(crate::Serializable));
        let de_bound = with_bound(quote!(crate::Deserializable));
        let canon_bound = with_bound(quote!(crate::CanonicalJson));
        let remote = if is_fn {
            let k = self.field_kind(&def.ty);
            let ret = self.rust_type(&k);
            let rc_bound = with_bound(quote!(crate::RemoteCall));
            let ret = if let Kind::Generic(g) = &k {
                let g = format_ident!("{g}");
                quote!(#g::Return)
            } else {
                ret
            };
            quote! {
                impl #rc_bound crate::RemoteCall for #ident #gen_decl {
                    type Return = #ret;
                }
            }
        } else {
            quote!()
        };
        // Constructors only: a function is a request, not an answer.
        let peers = if is_fn {
            quote!()
        } else {
            self.peers_impl(idx, ident)
        };
        let docs = doc.iter().map(|l| {
            let l = format!(" {l}");
            quote!(#[doc = #l])
        });
        // Default only where every field has one (no bare enum or generic fields).
        let defaultable = self.new_args(def).is_empty();
        let derives = if defaultable {
            quote!(#[derive(Clone, Debug, Default)])
        } else {
            quote!(#[derive(Clone, Debug)])
        };
        let inline = inline_attr();
        let constructor = if defaultable {
            quote!()
        } else {
            self.constructor(def, ident, &gen_decl, &ctor_fields)
        };
        let min_bare = Literal::usize_unsuffixed(self.min_bare_size(idx));
        quote! {
            #(#docs)*
            #derives
            #[cfg_attr(feature = "partial-eq", derive(PartialEq))]
            #[cfg_attr(
                feature = "serde",
                derive(serde::Serialize, serde::Deserialize),
                serde(tag = "_", rename = #tl_name)
            )]
            pub struct #ident #gen_decl {
                #(#fields)*
            }

            #constructor

            impl #gen_decl crate::Identifiable for #ident #gen_decl {
                const CONSTRUCTOR_ID: u32 = #id;
                const NAME: &'static str = #tl_name;
            }

            impl #ser_bound crate::BareSerializable for #ident #gen_decl {
                #inline
                fn serialize_bare(&self, #buf_param: &mut Vec<u8>) {
                    #(#flag_setup)*
                    #(#ser_body)*
                }
            }

            impl #de_bound crate::BareDeserializable for #ident #gen_decl {
                const MIN_BARE_SIZE: usize = #min_bare;
                #inline
                fn deserialize_bare(#r_param: &mut crate::Reader<'_>) -> Result<Self, crate::DeserializeError> {
                    #(#de_body)*
                    Ok(Self { #(#field_names),* })
                }
            }

            #[cfg(feature = "canonical-json")]
            impl #canon_bound crate::CanonicalJson for #ident #gen_decl {
                fn write_canonical_json(&self, out: &mut String) {
                    crate::canonical::open(#id, out);
                    #canon_body
                    out.push_str("]}");
                }
            }

            #remote

            #peers
        }
    }

    /// The fields and the statements coding them, in schema order.
    fn body(&self, def: &Definition) -> Body {
        let mut body = Body::default();
        // Which flags words have dependents.
        let used_flags: HashSet<&str> = def
            .params
            .iter()
            .filter_map(|p| match &p.kind {
                ParameterKind::Normal { flag: Some(f), .. } => Some(f.name.as_str()),
                _ => None,
            })
            .collect();
        let groups = FlagGroups::new(self, def);
        for p in &def.params {
            match &p.kind {
                ParameterKind::Flags => {
                    let var = format_ident!("flags_{}", p.name);
                    let deps = self.flag_bits(def, &p.name, &groups);
                    if deps.is_empty() {
                        body.flag_setup.push(quote!(let #var: u32 = 0;));
                    } else {
                        body.flag_setup.push(quote!(let #var: u32 = #(#deps)|*;));
                    }
                    body.ser_body
                        .push(quote!(crate::Serializable::serialize(&#var, buf);));
                    if used_flags.contains(p.name.as_str()) {
                        body.de_body.push(quote!(let #var = r.read_u32()?;));
                    } else {
                        body.de_body.push(quote!(r.read_u32()?;));
                    }
                }
                ParameterKind::Normal { ty, flag } => {
                    self.field(&mut body, p, ty, flag.as_ref(), &groups)
                }
            }
        }
        body
    }

    /// The terms OR-ed into flags word `word`: each dependent field's bit when it
    /// is set (a group of fields sharing a bit, once).
    fn flag_bits(&self, def: &Definition, word: &str, groups: &FlagGroups) -> Vec<TokenStream> {
        def.params
            .iter()
            .filter_map(|q| match &q.kind {
                ParameterKind::Normal { ty, flag: Some(f) } if f.name == word => {
                    let field = field_ident(&q.name);
                    let shift = Literal::u32_unsuffixed(f.index);
                    // Branch-free (`|`, `&`, shifts): less for the compiler to check.
                    let cond = if let Some(members) = groups.of(&q.name, &f.name, f.index) {
                        // Once per group: its first member decides.
                        if members[0].0 != q.name {
                            return None;
                        }
                        if all_zeroable(members) {
                            let any = members.iter().map(is_set);
                            quote!(#(#any)|*)
                        } else {
                            let values = members
                                .iter()
                                .filter(|(_, k)| !matches!(k, Kind::True))
                                .map(is_set);
                            quote!(#(#values)&*)
                        }
                    } else if ty.name == "true" && ty.namespace.is_empty() {
                        quote!(self.#field)
                    } else {
                        quote!(self.#field.is_some())
                    };
                    Some(if f.index == 0 {
                        quote!(u32::from(#cond))
                    } else {
                        quote!(u32::from(#cond) << #shift)
                    })
                }
                _ => None,
            })
            .collect()
    }

    /// A field: its declaration and the statements coding it.
    fn field(
        &self,
        body: &mut Body,
        p: &Parameter,
        ty: &Type,
        flag: Option<&Flag>,
        groups: &FlagGroups,
    ) {
        let k = self.field_kind(ty);
        let field = field_ident(&p.name);
        let mut field_doc = vec![format!(" `{}`", doc_escape(&p.to_string()))];
        let group = match flag {
            Some(f) => groups.of(&p.name, &f.name, f.index),
            None => None,
        };
        if let Some(members) = group {
            let others: Vec<String> = members
                .iter()
                .filter(|(n, _)| *n != p.name)
                .map(|(n, _)| format!("`{n}`"))
                .collect();
            field_doc.push(String::new());
            field_doc.push(if all_zeroable(members) {
                format!(
                    " Shares its flag bit with {}: when any of them is set, all are sent (unset values as zero, flags as set).",
                    others.join(", ")
                )
            } else {
                format!(
                    " Shares its flag bit with {}: sent only when every value among them is set (a flag among them then reads as set).",
                    others.join(", ")
                )
            });
        }
        let base = self.rust_type(&k);
        let is_true = matches!(k, Kind::True);
        let rty = match (flag, is_true) {
            (Some(_), false) => quote!(Option<#base>),
            _ => base,
        };
        let serde_rename = if field.to_string().trim_start_matches("r#") != p.name {
            let name = &p.name;
            quote!(#[cfg_attr(feature = "serde", serde(rename = #name))])
        } else {
            quote!()
        };
        body.fields
            .push(quote!(#(#[doc = #field_doc])* #serde_rename pub #field: #rty,));
        body.field_names.push(field.clone());
        let required = flag.is_none() && k.lacks_default();
        body.ctor_fields
            .push((field.clone(), rty.clone(), required));
        body.canon
            .push(quote!(crate::CanonicalJson::write_canonical_json(&self.#field, out);));
        match flag {
            None => {
                body.ser_body.push(self.ser(&k, quote!(&self.#field)));
                let de = self.de(&k);
                body.de_body.push(quote!(let #field = #de;));
            }
            Some(f) => {
                let var = format_ident!("flags_{}", f.name);
                let bit = hex(1u32 << f.index);
                if is_true {
                    body.de_body.push(quote!(let #field = #var & #bit != 0;));
                } else {
                    let s = self.ser(&k, quote!(x));
                    match group {
                        Some(members) if all_zeroable(members) => {
                            let others = members.iter().filter(|(n, _)| *n != p.name).map(is_set);
                            let zero = zero_value(&k).expect("zeroable");
                            body.ser_body.push(quote!(
                                if let Some(x) = &self.#field { #s }
                                else if #(#others)||* { #zero }
                            ));
                        }
                        Some(members) => {
                            let values = members
                                .iter()
                                .filter(|(_, k)| !matches!(k, Kind::True))
                                .map(is_set);
                            body.ser_body.push(quote!(
                                if #(#values)&&* && let Some(x) = &self.#field { #s }
                            ));
                        }
                        None if Self::plain(&k) => {
                            body.ser_body
                                .push(quote!(crate::serialize::write_some(buf, &self.#field);));
                        }
                        None => {
                            body.ser_body
                                .push(quote!(if let Some(x) = &self.#field { #s }));
                        }
                    }
                    if Self::plain(&k) {
                        let ty = self.rust_type(&k);
                        body.de_body
                            .push(quote!(let #field = r.read_if::<#ty>(#var & #bit != 0)?;));
                    } else {
                        let de = self.de(&k);
                        body.de_body.push(
                            quote!(let #field = if #var & #bit != 0 { Some(#de) } else { None };),
                        );
                    }
                }
            }
        }
    }

    /// `new(…)` for a struct that cannot be `Default`: it takes the fields that
    /// have no natural default (boxed values, bare constructors, generic queries)
    /// and leaves every other one empty.
    pub(super) fn constructor(
        &self,
        def: &Definition,
        ident: &Ident,
        gen_decl: &TokenStream,
        fields: &[(Ident, TokenStream, bool)],
    ) -> TokenStream {
        let args = fields
            .iter()
            .filter(|(_, _, required)| *required)
            .map(|(f, ty, _)| quote!(#f: #ty));
        let inits = fields.iter().map(|(f, _, required)| {
            if *required {
                quote!(#f)
            } else {
                quote!(#f: Default::default())
            }
        });
        let taken: Vec<String> = self
            .new_args(def)
            .iter()
            .map(|(p, _)| format!("`{}`", doc_escape(&p.to_string())))
            .collect();
        let all_required = fields.iter().all(|(_, _, r)| *r);
        let rest = if all_required {
            String::new()
        } else {
            format!(
                " Every other field is empty (flags false, optional fields `None`, numbers zero, strings and vectors empty); set them with struct update syntax: `{ident} {{ field: value, ..{ident}::new(…) }}`."
            )
        };
        let doc = format!(" A `{}` from {}.{rest}", def.full_name(), taken.join(", "));
        quote! {
            impl #gen_decl #ident #gen_decl {
                #[doc = #doc]
                #[allow(clippy::too_many_arguments)]
                pub fn new(#(#args),*) -> Self {
                    Self { #(#inits),* }
                }
            }
        }
    }
}
