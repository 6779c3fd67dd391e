//! The OpenAPI 3.1 document of the API, written by hand with `serde_json`.
//!
//! Why by hand: the answers mix French keys, maps keyed by indicator slug and types of the
//! domain crate; writing the document directly keeps it exact and in French, with no derive on
//! domain types. What keeps it from drifting:
//! - the tests below check that the paths of [`document`] are exactly those registered in
//!   [`super::registry`] (and vice versa), that every `$ref` resolves and that path parameters
//!   match the path templates;
//! - the integration tests (`tests/api.rs`) request the example (`x-exemple`) of every operation
//!   and validate the answer against the documented schema, where every object is closed
//!   (`additionalProperties: false`) and every property required: a field added to or removed
//!   from an answer without its documentation fails the tests.
//!
//! The page `/api/docs` is rendered from this document (`docs.rs`).

use axum::extract::RawQuery;
use axum::http::HeaderMap;
use serde_json::{Map, Value, json};

use super::{ApiResult, MAX_AGE, PREFIX, published_json, strict_params};
use obs_app::ExportFormat;
use obs_app::query::{DEFAULT_PER_PAGE, MAX_PER_PAGE};

/// GET /api/v1/openapi.json
pub async fn serve(RawQuery(raw): RawQuery, headers: HeaderMap) -> ApiResult {
    strict_params(raw.as_deref(), &[])?;
    published_json(&headers, &document())
}

// ---------------------------------------------------------------- schema helpers

fn with_description(mut schema: Value, description: &str) -> Value {
    if let Some(o) = schema.as_object_mut() {
        o.insert("description".into(), Value::String(description.into()));
    }
    schema
}

fn string(d: &str) -> Value {
    json!({"type": "string", "description": d})
}

fn string_or_null(d: &str) -> Value {
    json!({"type": ["string", "null"], "description": d})
}

fn integer(d: &str) -> Value {
    json!({"type": "integer", "description": d})
}

fn integer_or_null(d: &str) -> Value {
    json!({"type": ["integer", "null"], "description": d})
}

fn number(d: &str) -> Value {
    json!({"type": "number", "description": d})
}

fn number_or_null(d: &str) -> Value {
    json!({"type": ["number", "null"], "description": d})
}

fn boolean(d: &str) -> Value {
    json!({"type": "boolean", "description": d})
}

fn array(items: Value, d: &str) -> Value {
    json!({"type": "array", "items": items, "description": d})
}

fn reference(name: &str) -> Value {
    json!({"$ref": format!("#/components/schemas/{name}")})
}

fn ref_d(name: &str, d: &str) -> Value {
    with_description(reference(name), d)
}

fn ref_or_null(name: &str, d: &str) -> Value {
    json!({"anyOf": [reference(name), {"type": "null"}], "description": d})
}

fn enumeration(values: &[&str], d: &str) -> Value {
    json!({"type": "string", "enum": values, "description": d})
}

/// A closed object: every listed property is required, no other is allowed.
fn object(d: &str, props: &[(&str, Value)]) -> Value {
    let mut properties = Map::new();
    for (k, v) in props {
        properties.insert((*k).to_string(), v.clone());
    }
    let required: Vec<&str> = props.iter().map(|(k, _)| *k).collect();
    json!({"type": "object", "description": d, "properties": properties, "required": required, "additionalProperties": false})
}

/// `object` with more properties.
fn extend(base: &Value, d: &str, more: &[(&str, Value)]) -> Value {
    let mut out = base.clone();
    out["description"] = Value::String(d.into());
    for (k, v) in more {
        out["properties"][*k] = v.clone();
        if let Some(r) = out["required"].as_array_mut() {
            r.push(Value::String((*k).into()));
        }
    }
    out
}

// ---------------------------------------------------------------- schemas

const COLORS: [&str; 5] = ["green", "yellow", "red", "blue", "gray"];

fn edition_schema() -> Value {
    object(
        "Une édition publiée.",
        &[
            ("slug", string("Identifiant stable de l'édition, utilisé dans les adresses.")),
            ("nom", string("Nom de l'édition (« Décembre 2025 »).")),
            ("trimestre", string_or_null("Trimestre (« 2025-T4 »).")),
            ("date_arret", string_or_null("Date d'arrêt des données (AAAA-MM-JJ).")),
            ("fenetres", ref_d("Fenetres", "Périodes de mesure.")),
            ("regles", string("Identifiant du jeu de règles appliqué (voir /regles/{id}).")),
            ("etat", enumeration(&["publiée", "corrigée"], "État : « corrigée » quand une révision corrigée a été publiée.")),
            ("revision_en_vigueur", integer("Numéro de la révision en vigueur (à partir de 1).")),
            ("publiee_le", string_or_null("Instant de la première publication (ISO 8601, UTC).")),
            ("demonstration", boolean("Vrai pour des données de démonstration.")),
            ("liens", ref_d("LiensEdition", "Adresses liées.")),
        ],
    )
}

fn schemas() -> Value {
    let mut s = Map::new();
    let mut add = |name: &str, v: Value| {
        s.insert(name.to_string(), v);
    };
    add(
        "Probleme",
        object(
            "Erreur au format « problem+json » (RFC 9457). Le champ detail explique le problème en français.",
            &[
                ("type", string("Toujours « about:blank ».")),
                ("title", string("Intitulé HTTP du statut.")),
                ("status", integer("Code HTTP.")),
                ("detail", string("Explication en français.")),
            ],
        ),
    );
    add("Couleur", enumeration(&COLORS, "Couleur publiée d'un niveau : green (objectif), yellow, red, blue (cas particulier), gray (non évalué)."));
    add(
        "Fenetre",
        object("Période de mesure, bornes incluses.", &[("debut", string("Premier jour (AAAA-MM-JJ).")), ("fin", string("Dernier jour (AAAA-MM-JJ)."))]),
    );
    add(
        "Fenetres",
        object(
            "Périodes de mesure d'une édition.",
            &[
                ("avis", ref_or_null("Fenetre", "Avis des usagers pris en compte (12 mois jusqu'à la date d'arrêt).")),
                ("sondes", ref_or_null("Fenetre", "Sondes de disponibilité et de rapidité (3 mois jusqu'à la date d'arrêt).")),
            ],
        ),
    );
    add(
        "Telechargement",
        object(
            "Fichier en données ouvertes, à la même adresse que sur le site.",
            &[
                ("fichier", enumeration(&ExportFormat::ALL.map(|f| f.file_name()), "Nom du fichier.")),
                ("libelle", string("Libellé.")),
                ("href", string("Adresse relative du fichier.")),
                ("description", string("Description du format.")),
                ("type_mime", string("Type MIME du fichier.")),
            ],
        ),
    );
    add(
        "LiensEdition",
        object(
            "Adresses liées à une édition.",
            &[
                ("self", string("Cette édition dans l'API.")),
                ("demarches", string("Ses démarches dans l'API.")),
                ("synthese", string("Sa synthèse dans l'API.")),
                ("page", string("Sa page sur le site.")),
                ("telechargements", array(reference("Telechargement"), "Fichiers de la révision en vigueur.")),
            ],
        ),
    );
    let edition = edition_schema();
    add(
        "Revision",
        object(
            "Révision figée d'une édition. Une révision publiée ne change jamais ; une correction en crée une nouvelle.",
            &[
                ("numero", integer("Numéro, à partir de 1.")),
                ("publiee_le", string("Instant de publication (ISO 8601, UTC).")),
                ("motif", string_or_null("Motif de la correction (null pour la première publication).")),
                ("telechargements", array(reference("Telechargement"), "Fichiers de cette révision.")),
            ],
        ),
    );
    add(
        "EditionDetaillee",
        extend(&edition, "Une édition publiée, avec ses révisions.", &[("revisions", array(reference("Revision"), "Révisions, de la plus ancienne à la plus récente."))]),
    );
    add("Edition", edition);
    add("ListeEditions", object("Les éditions publiées.", &[("editions", array(reference("Edition"), "Éditions, de la plus ancienne à la plus récente."))]));
    add(
        "ValeurIndicateur",
        object(
            "Valeur classée d'un indicateur pour une démarche. Le niveau est décidé sur la valeur exacte ; l'affichage est tronqué, jamais arrondi.",
            &[
                ("niveau", string("Libellé du niveau (« Optimal », « À venir »…).")),
                ("niveau_cle", string("Clé du niveau, utilisable dans le filtre niveau_<indicateur>.")),
                ("couleur", ref_d("Couleur", "Couleur du niveau.")),
                ("objectif_atteint", boolean("Vrai si le niveau atteint l'objectif.")),
                ("valeur", number_or_null("Valeur exacte, non arrondie.")),
                ("affichage", string_or_null("Valeur telle que le site l'affiche (« 7,9 / 10 »).")),
                ("nombre_avis", integer_or_null("Nombre d'avis ou de mesures derrière la valeur, s'il est connu.")),
            ],
        ),
    );
    let indicators = json!({
        "type": "object",
        "description": "Indicateurs de la démarche, par identifiant d'indicateur (voir /indicateurs).",
        "additionalProperties": reference("ValeurIndicateur"),
    });
    add(
        "LigneDemarche",
        object(
            "Une démarche dans une édition.",
            &[
                ("id", integer("Identifiant stable de la démarche, le même d'une édition à l'autre.")),
                ("titre", string("Titre dans cette édition.")),
                ("ministere", string_or_null("Ministère.")),
                ("administration", string_or_null("Administration.")),
                ("domaine", string_or_null("Domaine.")),
                ("url", string_or_null("Adresse du service en ligne.")),
                ("publics", array(json!({"type": "string"}), "Publics concernés (particuliers, professionnels…).")),
                ("indicateurs", indicators.clone()),
            ],
        ),
    );
    add(
        "PageDemarches",
        object(
            "Une page du tableau d'une édition, avec les mêmes filtres et le même tri que la page du site.",
            &[
                ("edition", string("Identifiant de l'édition.")),
                ("revision", integer_or_null("Révision lue.")),
                ("total", integer("Nombre de démarches correspondant aux filtres.")),
                ("page", integer("Numéro de la page, à partir de 1.")),
                ("par_page", integer("Nombre de démarches par page.")),
                ("pages", integer("Nombre de pages.")),
                ("demarches", array(reference("LigneDemarche"), "Démarches de la page.")),
                (
                    "liens",
                    object(
                        "Pages voisines, avec les mêmes filtres.",
                        &[("suivant", string_or_null("Page suivante, s'il y en a une.")), ("precedent", string_or_null("Page précédente, s'il y en a une."))],
                    ),
                ),
            ],
        ),
    );
    add(
        "VersionDemarche",
        object(
            "Version datée des champs descriptifs d'une démarche.",
            &[
                ("depuis", string("Premier jour de validité (AAAA-MM-JJ).")),
                ("titre", string("Titre.")),
                ("ministere", string_or_null("Ministère.")),
                ("administration", string_or_null("Administration.")),
                ("domaine", string_or_null("Domaine.")),
                ("url", string_or_null("Adresse du service.")),
                ("observee", boolean("Sur la liste des démarches observées.")),
                ("source", string("Origine de la version.")),
            ],
        ),
    );
    add(
        "PassageEdition",
        object(
            "La démarche dans une édition publiée.",
            &[
                ("slug", string("Identifiant de l'édition.")),
                ("nom", string("Nom de l'édition.")),
                ("revision", integer_or_null("Révision lue.")),
                ("regles", string("Jeu de règles de cette révision.")),
                ("titre", string("Titre dans cette édition.")),
                ("ministere", string_or_null("Ministère dans cette édition.")),
                ("administration", string_or_null("Administration dans cette édition.")),
                ("indicateurs", indicators),
            ],
        ),
    );
    add(
        "Demarche",
        object(
            "Une démarche : identité, versions et historique dans les éditions publiées.",
            &[
                ("id", integer("Identifiant stable.")),
                ("titre", string("Titre dans la dernière édition.")),
                ("ministere", string_or_null("Ministère dans la dernière édition.")),
                ("administration", string_or_null("Administration dans la dernière édition.")),
                ("domaine", string_or_null("Domaine dans la dernière édition.")),
                ("url", string_or_null("Adresse du service dans la dernière édition.")),
                ("publics", array(json!({"type": "string"}), "Publics dans la dernière édition.")),
                (
                    "identifiants",
                    object(
                        "Identifiants dans d'autres systèmes.",
                        &[
                            ("jdma", integer_or_null("Identifiant du service « Je donne mon avis ».")),
                            ("tableur", string_or_null("Référence dans le tableur de travail.")),
                            ("ancien_observatoire", string_or_null("Identifiant dans l'observatoire 2019–2022.")),
                        ],
                    ),
                ),
                ("versions", array(reference("VersionDemarche"), "Versions datées, de la plus ancienne à la plus récente.")),
                ("editions", array(reference("PassageEdition"), "La démarche dans chaque édition publiée, de la plus ancienne à la plus récente.")),
                ("liens", object("Adresses liées.", &[("self", string("Cette démarche dans l'API.")), ("page", string("Sa fiche sur le site."))])),
            ],
        ),
    );
    add(
        "CompteNiveau",
        object(
            "Nombre de démarches à un niveau.",
            &[
                ("cle", string("Clé du niveau.")),
                ("libelle", string("Libellé du niveau.")),
                ("couleur", ref_d("Couleur", "Couleur du niveau.")),
                ("categorie", string("Catégorie statistique du niveau.")),
                ("objectif", boolean("Vrai si le niveau atteint l'objectif.")),
                ("nombre", integer("Nombre de démarches.")),
            ],
        ),
    );
    add(
        "CompteCategorie",
        object(
            "Nombre de démarches dans une catégorie statistique (niveaux comptés ensemble).",
            &[("libelle", string("Catégorie.")), ("couleur", ref_d("Couleur", "Couleur du premier niveau de la catégorie.")), ("nombre", integer("Nombre de démarches."))],
        ),
    );
    add(
        "SyntheseIndicateur",
        object(
            "Chiffres d'un indicateur sur un groupe de démarches.",
            &[
                ("slug", string("Identifiant de l'indicateur.")),
                ("libelle", string("Libellé.")),
                ("indicateur_cle", boolean("Vrai pour les indicateurs clés.")),
                ("a_l_objectif", integer("Démarches à l'objectif.")),
                ("evaluees", integer("Démarches évaluées (niveau non gris, hors démarches non réalisables en ligne) : le dénominateur.")),
                ("part_objectif", number_or_null("Part à l'objectif en %, a_l_objectif ÷ evaluees × 100 (null sans démarche évaluée).")),
                ("niveaux", array(reference("CompteNiveau"), "Chaque niveau des règles avec son nombre de démarches.")),
                ("categories", array(reference("CompteCategorie"), "Nombre de démarches par catégorie statistique.")),
            ],
        ),
    );
    add(
        "NombreEtPart",
        object("Un nombre de démarches et sa part des démarches observées.", &[("nombre", integer("Nombre.")), ("part", number_or_null("Part en %."))]),
    );
    add(
        "ChiffresCles",
        object(
            "Chiffres clés de toute l'édition.",
            &[
                ("demarches", integer("Démarches observées.")),
                ("entierement_en_ligne", ref_d("NombreEtPart", "Démarches entièrement en ligne.")),
                ("en_ligne", ref_d("NombreEtPart", "Démarches en ligne, y compris partiellement ou en bêta.")),
                ("taux_de_dematerialisation", number_or_null("Taux de dématérialisation pondéré, en %.")),
                ("franceconnect", ref_d("NombreEtPart", "Démarches proposant FranceConnect.")),
                ("bouton_jdma", ref_d("NombreEtPart", "Démarches avec le bouton « Je donne mon avis ».")),
                ("categories_de_satisfaction", array(reference("CompteCategorie"), "Démarches par catégorie de satisfaction.")),
            ],
        ),
    );
    add(
        "Synthese",
        object(
            "Synthèse d'une édition ou d'un groupe : les mêmes chiffres que le site, les téléchargements et la commande « edition synthesis ».",
            &[
                ("edition", string("Identifiant de l'édition.")),
                ("revision", integer_or_null("Révision dont viennent les chiffres.")),
                ("regles", string("Jeu de règles.")),
                ("groupe", json!({"type": ["string", "null"], "enum": ["ministere", "administration", "domaine", null], "description": "Regroupement demandé (null pour toute l'édition)."})),
                ("nom", string_or_null("Nom du groupe (null pour toute l'édition).")),
                ("demarches", integer("Nombre de démarches du groupe.")),
                ("indicateurs", array(reference("SyntheseIndicateur"), "Chiffres par indicateur, dans l'ordre des règles.")),
                ("chiffres_cles", ref_d("ChiffresCles", "Chiffres clés de toute l'édition (pas seulement du groupe).")),
            ],
        ),
    );
    add(
        "Niveau",
        object(
            "Niveau d'un indicateur.",
            &[
                ("cle", string("Clé stable du niveau.")),
                ("libelle", string("Libellé officiel.")),
                ("couleur", ref_d("Couleur", "Couleur publiée.")),
                ("objectif", boolean("Vrai si le niveau atteint l'objectif.")),
                ("categorie", string("Catégorie statistique.")),
                ("min", number_or_null("Borne inférieure, incluse.")),
                ("max", number_or_null("Borne supérieure, exclue.")),
                ("numerique", boolean("Vrai si des nombres tombent dans ce niveau.")),
                ("seuil", string_or_null("Seuil en français (« à partir de 8,0 / 10 »).")),
                ("poids", number_or_null("Poids dans le taux de dématérialisation (0 à 1).")),
            ],
        ),
    );
    add(
        "Indicateur",
        object(
            "Indicateur d'un jeu de règles.",
            &[
                ("slug", string("Identifiant stable.")),
                ("libelle", string("Libellé.")),
                ("libelle_court", string("Libellé court.")),
                ("indicateur_cle", boolean("Vrai pour les indicateurs clés.")),
                ("description", string("Ce que mesure l'indicateur.")),
                ("sources", array(json!({"type": "string"}), "Origine des valeurs.")),
                ("format", enumeration(&["score10", "percent", "percent_int", "millis", "count", "points", "label"], "Format d'affichage.")),
                ("sens", enumeration(&["higher", "lower"], "Sens d'amélioration.")),
                ("effectif_minimum", integer_or_null("Nombre minimal d'avis pour classer une valeur.")),
                ("niveau_sans_mesure", string("Clé du niveau sans mesure.")),
                ("niveau_insuffisant", string_or_null("Clé du niveau quand les avis sont trop peu nombreux.")),
                ("derive", boolean("Vrai si la valeur est calculée à partir d'autres mesures.")),
                ("niveaux", array(reference("Niveau"), "Niveaux, du meilleur au gris.")),
            ],
        ),
    );
    add(
        "JeuDeRegles",
        object(
            "Jeu de règles : indicateurs et niveaux.",
            &[
                ("id", string("Identifiant stable (« 2025 »).")),
                ("nom", string("Nom.")),
                ("periode", string("Éditions concernées.")),
                ("cible", number("Objectif de part à l'objectif, en %.")),
                ("empreinte", string("Empreinte SHA-256 du fichier de règles.")),
                ("en_vigueur", boolean("Vrai pour le jeu appliqué aux nouvelles éditions.")),
                (
                    "exclusion_des_parts",
                    json!({"anyOf": [object("Démarches exclues des dénominateurs.", &[("indicateur", string("Indicateur examiné.")), ("niveaux", array(json!({"type": "string"}), "Clés des niveaux qui excluent."))]), {"type": "null"}], "description": "Démarches exclues du calcul des parts."}),
                ),
                ("editions", array(json!({"type": "string"}), "Éditions publiées sous ces règles.")),
                ("self", string("Ce jeu de règles dans l'API.")),
                ("indicateurs", array(reference("Indicateur"), "Indicateurs, dans l'ordre d'affichage.")),
            ],
        ),
    );
    add("ListeRegles", object("Les jeux de règles connus.", &[("regles", array(reference("JeuDeRegles"), "Jeux de règles, par identifiant."))]));
    add(
        "Appartenance",
        object("Démarche présente dans une seule des deux éditions.", &[("demarche_id", integer("Identifiant stable.")), ("titre", string("Titre."))]),
    );
    add(
        "Changement",
        object(
            "Changement de niveau d'une démarche sur un indicateur.",
            &[
                ("demarche_id", integer("Identifiant stable.")),
                ("titre", string("Titre dans l'édition la plus récente.")),
                ("indicateur", string("Identifiant de l'indicateur.")),
                ("avant", string("Niveau avant.")),
                ("couleur_avant", ref_d("Couleur", "Couleur avant.")),
                ("apres", string("Niveau après.")),
                ("couleur_apres", ref_d("Couleur", "Couleur après.")),
                ("valeur_avant", number_or_null("Valeur exacte avant.")),
                ("valeur_apres", number_or_null("Valeur exacte après.")),
                ("sens", enumeration(&["up", "down", "other"], "Sens : up (vers l'objectif), down (s'en éloignant) ou other (vers ou depuis le gris, ou entre niveaux de même rang).")),
            ],
        ),
    );
    add(
        "Mouvement",
        object(
            "Démarche ayant beaucoup bougé.",
            &[
                ("demarche_id", integer("Identifiant stable.")),
                ("titre", string("Titre.")),
                ("hausses", integer("Indicateurs en hausse.")),
                ("baisses", integer("Indicateurs en baisse.")),
            ],
        ),
    );
    add(
        "Comparaison",
        object(
            "Différences entre deux éditions, les démarches étant suivies par leur identifiant stable.",
            &[
                ("a", string("Édition de départ (la plus ancienne).")),
                ("b", string("Édition d'arrivée (la plus récente).")),
                ("entrees", array(reference("Appartenance"), "Démarches entrées (dans b, pas dans a).")),
                ("sorties", array(reference("Appartenance"), "Démarches sorties (dans a, pas dans b).")),
                ("changements", array(reference("Changement"), "Changements de niveau.")),
                ("plus_forts_mouvements", array(reference("Mouvement"), "Plus forts mouvements (au plus 20).")),
            ],
        ),
    );
    add("DocumentOpenApi", json!({"type": "object", "description": "Ce document, au format OpenAPI 3.1."}));
    Value::Object(s)
}

// ---------------------------------------------------------------- operations

fn path_param(name: &str, d: &str, schema: Value, example: Value) -> Value {
    json!({"name": name, "in": "path", "required": true, "description": d, "schema": schema, "example": example})
}

fn query_param(name: &str, d: &str, schema: Value, example: Option<Value>) -> Value {
    let mut p = json!({"name": name, "in": "query", "required": false, "description": d, "schema": schema});
    if let Some(e) = example {
        p["example"] = e;
    }
    p
}

fn param_ref(name: &str) -> Value {
    json!({"$ref": format!("#/components/parameters/{name}")})
}

fn response_ref(name: &str) -> Value {
    json!({"$ref": format!("#/components/responses/{name}")})
}

struct Op<'a> {
    id: &'a str,
    tag: &'a str,
    summary: &'a str,
    description: &'a str,
    params: Vec<Value>,
    schema: &'a str,
    ok: &'a str,
    not_found: Option<&'a str>,
    example: &'a str,
}

fn operation(op: Op<'_>) -> Value {
    let mut params = op.params;
    params.push(param_ref("IfNoneMatch"));
    let mut responses = Map::new();
    responses.insert(
        "200".into(),
        json!({
            "description": op.ok,
            "headers": {"ETag": {"$ref": "#/components/headers/ETag"}, "Cache-Control": {"$ref": "#/components/headers/CacheControl"}},
            "content": {"application/json": {"schema": reference(op.schema)}},
        }),
    );
    responses.insert("304".into(), response_ref("NonModifie"));
    responses.insert("400".into(), response_ref("MauvaiseDemande"));
    if let Some(d) = op.not_found {
        responses.insert(
            "404".into(),
            json!({"description": d, "content": {"application/problem+json": {"schema": reference("Probleme")}}}),
        );
    }
    json!({
        "operationId": op.id,
        "tags": [op.tag],
        "summary": op.summary,
        "description": op.description,
        "parameters": params,
        "responses": responses,
        "x-exemple": format!("{PREFIX}{}", op.example),
    })
}

fn paths() -> Value {
    let slug = || param_ref("SlugEdition");
    let mut p = Map::new();
    // JSON objects have no order: `x-ordre` keeps the order of presentation for the page.
    let mut add = |path: &str, op: Op<'_>| {
        let mut o = operation(op);
        o["x-ordre"] = json!(p.len() + 1);
        p.insert(path.to_string(), json!({"get": o}));
    };
    add(
        "/editions",
        Op {
            id: "listerEditions",
            tag: "Éditions",
            summary: "Lister les éditions publiées",
            description: "Toutes les éditions publiées, de la plus ancienne à la plus récente, avec leurs périodes de mesure, leur jeu de règles, leur état et les adresses de leurs fichiers en données ouvertes.",
            params: vec![],
            schema: "ListeEditions",
            ok: "Les éditions publiées.",
            not_found: None,
            example: "/editions",
        },
    );
    add(
        "/editions/{slug}",
        Op {
            id: "lireEdition",
            tag: "Éditions",
            summary: "Lire une édition et ses révisions",
            description: "Une édition publiée, ses révisions (numéro, date, motif de correction) et les adresses de téléchargement de chaque révision, identiques à celles du site.",
            params: vec![slug()],
            schema: "EditionDetaillee",
            ok: "L'édition.",
            not_found: Some("Édition inconnue ou non publiée."),
            example: "/editions/2025-decembre",
        },
    );
    let level_keys = json!({
        "type": "object",
        "propertyNames": {"pattern": "^niveau_[a-z0-9_-]+$"},
        "additionalProperties": {"type": "string"},
    });
    add(
        "/editions/{slug}/demarches",
        Op {
            id: "listerDemarchesEdition",
            tag: "Démarches",
            summary: "Lister les démarches d'une édition",
            description: "Les démarches d'une édition, page par page, avec les mêmes filtres, le même tri et la même pagination que le tableau du site : une adresse filtrée du site se transpose en remplaçant /editions/{slug} par /api/v1/editions/{slug}/demarches. Tout paramètre inconnu, toute valeur invalide ou toute page au-delà de la dernière est refusé (400).",
            params: vec![
                slug(),
                query_param("q", "Recherche dans le titre, le ministère, l'administration et le numéro, sans tenir compte des accents ni de la casse (200 caractères au plus).", json!({"type": "string", "maxLength": 200}), Some(json!("impots"))),
                query_param("ministere", "Ministère, nom exact.", json!({"type": "string"}), Some(json!("Ministère de l'Intérieur"))),
                query_param("administration", "Administration, nom exact.", json!({"type": "string"}), None),
                query_param("domaine", "Domaine, nom exact.", json!({"type": "string"}), Some(json!("Travail et emploi"))),
                query_param("public", "Public concerné (particuliers, professionnels…).", json!({"type": "string"}), Some(json!("particuliers"))),
                json!({
                    "name": "niveaux",
                    "in": "query",
                    "required": false,
                    "style": "form",
                    "explode": true,
                    "description": "Filtres par indicateur, un paramètre niveau_<indicateur> par indicateur : la clé d'un niveau (voir /indicateurs), « objectif » (objectif atteint) ou « non-objectif » (évalué, objectif non atteint).",
                    "schema": level_keys,
                    "example": {"niveau_satisfaction": "objectif"},
                }),
                query_param("tri", "Colonne de tri : « titre » (par défaut), « ministere » ou l'identifiant d'un indicateur.", json!({"type": "string", "default": "titre"}), Some(json!("satisfaction"))),
                query_param("ordre", "Sens du tri.", json!({"type": "string", "enum": ["asc", "desc"], "default": "asc"}), Some(json!("desc"))),
                query_param("page", "Numéro de page, à partir de 1.", json!({"type": "integer", "minimum": 1, "default": 1}), Some(json!(2))),
                query_param(
                    "par_page",
                    &format!("Démarches par page, {MAX_PER_PAGE} au plus."),
                    json!({"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE, "default": DEFAULT_PER_PAGE}),
                    Some(json!(10)),
                ),
                query_param("revision", "Révision figée à lire (par défaut la révision en vigueur).", json!({"type": "integer", "minimum": 1}), Some(json!(1))),
            ],
            schema: "PageDemarches",
            ok: "Une page de démarches.",
            not_found: Some("Édition inconnue ou non publiée, ou révision inexistante."),
            example: "/editions/2025-decembre/demarches?niveau_satisfaction=objectif&tri=satisfaction&ordre=desc&par_page=10",
        },
    );
    add(
        "/editions/{slug}/synthese",
        Op {
            id: "lireSynthese",
            tag: "Synthèses",
            summary: "Lire la synthèse d'une édition ou d'un groupe",
            description: "Part des démarches à l'objectif, dénominateur et répartition par niveau pour chaque indicateur, sur toute l'édition ou sur un ministère, une administration ou un domaine ; avec les chiffres clés de toute l'édition. Ce sont les chiffres du site, des fichiers téléchargeables et de la commande « observatoire edition synthesis ».",
            params: vec![
                slug(),
                query_param(
                    "groupe",
                    "Regroupement : ministère, administration ou domaine. Sans ce paramètre, toute l'édition.",
                    json!({"type": "string", "enum": ["ministere", "administration", "domaine"]}),
                    Some(json!("domaine")),
                ),
                query_param("nom", "Nom exact du groupe ; obligatoire avec « groupe ».", json!({"type": "string"}), Some(json!("Travail et emploi"))),
            ],
            schema: "Synthese",
            ok: "La synthèse.",
            not_found: Some("Édition inconnue ou non publiée, ou groupe absent de l'édition."),
            example: "/editions/2025-decembre/synthese?groupe=domaine&nom=Travail%20et%20emploi",
        },
    );
    add(
        "/demarches/{id}",
        Op {
            id: "lireDemarche",
            tag: "Démarches",
            summary: "Lire une démarche et son historique",
            description: "Une démarche suivie par son identifiant stable : identité, identifiants externes, versions datées de son titre et de son rattachement, et ses indicateurs dans chaque édition publiée.",
            params: vec![path_param("id", "Identifiant stable de la démarche (nombre entier).", json!({"type": "integer"}), json!(3))],
            schema: "Demarche",
            ok: "La démarche.",
            not_found: Some("Démarche inconnue ou absente des éditions publiées."),
            example: "/demarches/3",
        },
    );
    add(
        "/indicateurs",
        Op {
            id: "listerRegles",
            tag: "Règles",
            summary: "Lister les jeux de règles et leurs indicateurs",
            description: "Chaque jeu de règles connu, avec ses indicateurs et leurs niveaux : seuils (min inclus, max exclu), couleur, objectif, catégorie statistique. Ce sont les fichiers appliqués par le programme, décrits aussi sur la page Méthodologie.",
            params: vec![],
            schema: "ListeRegles",
            ok: "Les jeux de règles.",
            not_found: None,
            example: "/indicateurs",
        },
    );
    add(
        "/regles/{id}",
        Op {
            id: "lireRegles",
            tag: "Règles",
            summary: "Lire un jeu de règles",
            description: "Un jeu de règles, avec ses indicateurs et leurs niveaux.",
            params: vec![path_param("id", "Identifiant du jeu de règles.", json!({"type": "string"}), json!("2025"))],
            schema: "JeuDeRegles",
            ok: "Le jeu de règles.",
            not_found: Some("Jeu de règles inconnu."),
            example: "/regles/2025",
        },
    );
    add(
        "/diff/{a}/{b}",
        Op {
            id: "comparerEditions",
            tag: "Éditions",
            summary: "Comparer deux éditions",
            description: "Démarches entrées et sorties, changements de niveau et plus forts mouvements, de l'édition a (la plus ancienne) à l'édition b (la plus récente). Les démarches sont suivies par leur identifiant stable, jamais par leur titre.",
            params: vec![
                path_param("a", "Édition de départ.", json!({"type": "string"}), json!("2024-septembre")),
                path_param("b", "Édition d'arrivée.", json!({"type": "string"}), json!("2025-decembre")),
            ],
            schema: "Comparaison",
            ok: "Les différences.",
            not_found: Some("Une des éditions est inconnue ou non publiée."),
            example: "/diff/2024-septembre/2025-decembre",
        },
    );
    add(
        "/openapi.json",
        Op {
            id: "lireDocumentOpenApi",
            tag: "Description",
            summary: "Lire la description OpenAPI de l'API",
            description: "Ce document : la description OpenAPI 3.1 de toutes les adresses de l'API, de leurs paramètres et de leurs réponses. La page /api/docs en est tirée.",
            params: vec![],
            schema: "DocumentOpenApi",
            ok: "Le document OpenAPI.",
            not_found: None,
            example: "/openapi.json",
        },
    );
    Value::Object(p)
}

/// The OpenAPI 3.1 document of the API.
pub fn document() -> Value {
    let problem = json!({"application/problem+json": {"schema": reference("Probleme")}});
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "API de l'Observatoire des démarches en ligne",
            "version": "1.0.0",
            "summary": "Les éditions publiées de l'observatoire, en JSON, en lecture seule.",
            "description": format!(
                "API JSON en lecture seule des éditions publiées de l'Observatoire de la qualité des démarches en ligne. \
                 Elle donne les mêmes chiffres que le site et que les fichiers téléchargeables.\n\n\
                 Toutes les adresses sont relatives à {PREFIX} et n'acceptent que GET (et HEAD). Elles sont ouvertes à toutes les origines (CORS).\n\n\
                 Une révision publiée ne change jamais : chaque réponse porte une empreinte forte (ETag, SHA-256 du corps) et l'en-tête \
                 « Cache-Control: public, max-age={MAX_AGE} ». Renvoyez l'empreinte dans If-None-Match pour recevoir 304 sans corps si rien n'a changé.\n\n\
                 Les erreurs sont au format application/problem+json (RFC 9457) avec une explication en français dans « detail » : \
                 400 pour un paramètre inconnu ou invalide, 404 pour une ressource inconnue ou non publiée."
            ),
            "license": {"name": "Licence Ouverte / Open Licence 2.0", "identifier": "etalab-2.0"},
            "x-version-programme": env!("CARGO_PKG_VERSION"),
        },
        "servers": [{"url": PREFIX, "description": "Ce site"}],
        "tags": [
            {"name": "Éditions", "description": "Les éditions trimestrielles publiées, leurs révisions et leurs différences."},
            {"name": "Démarches", "description": "Les démarches d'une édition et l'historique d'une démarche."},
            {"name": "Synthèses", "description": "Les chiffres de synthèse d'une édition ou d'un groupe."},
            {"name": "Règles", "description": "Les jeux de règles : indicateurs, niveaux et seuils."},
            {"name": "Description", "description": "La description de l'API elle-même."},
        ],
        "paths": paths(),
        "components": {
            "schemas": schemas(),
            "parameters": {
                "SlugEdition": path_param("slug", "Identifiant de l'édition (voir /editions).", json!({"type": "string"}), json!("2025-decembre")),
                "IfNoneMatch": {
                    "name": "If-None-Match",
                    "in": "header",
                    "required": false,
                    "description": "Empreinte (ETag) d'une réponse déjà reçue : si elle n'a pas changé, la réponse est 304 sans corps.",
                    "schema": {"type": "string"},
                },
            },
            "headers": {
                "ETag": {"description": "Empreinte forte de la réponse : SHA-256 du corps, entre guillemets.", "schema": {"type": "string"}},
                "CacheControl": {"description": format!("Toujours « public, max-age={MAX_AGE} » : une révision publiée ne change pas."), "schema": {"type": "string"}},
            },
            "responses": {
                "NonModifie": {
                    "description": "Non modifié : l'empreinte envoyée dans If-None-Match est toujours valable.",
                    "headers": {"ETag": {"$ref": "#/components/headers/ETag"}, "Cache-Control": {"$ref": "#/components/headers/CacheControl"}},
                },
                "MauvaiseDemande": {"description": "Paramètre inconnu, répété ou invalide.", "content": problem},
            },
        },
    })
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    fn refs<'a>(v: &'a Value, out: &mut Vec<&'a str>) {
        match v {
            Value::Object(o) => {
                if let Some(Value::String(r)) = o.get("$ref") {
                    out.push(r);
                }
                o.values().for_each(|x| refs(x, out));
            }
            Value::Array(a) => a.iter().for_each(|x| refs(x, out)),
            _ => {}
        }
    }

    #[test]
    fn documents_exactly_the_registered_routes() {
        let doc = document();
        let documented: BTreeSet<&str> = doc["paths"].as_object().unwrap().keys().map(String::as_str).collect();
        let registry = super::super::registry();
        let registered: BTreeSet<&str> = registry.paths().iter().copied().collect();
        assert_eq!(registered.len(), registry.paths().len(), "a route is registered twice");
        let missing: Vec<_> = registered.difference(&documented).collect();
        let extra: Vec<_> = documented.difference(&registered).collect();
        assert!(missing.is_empty(), "routes without documentation: {missing:?}");
        assert!(extra.is_empty(), "documented paths without route: {extra:?}");
        for (path, item) in doc["paths"].as_object().unwrap() {
            let methods: Vec<&String> = item.as_object().unwrap().keys().collect();
            assert_eq!(methods, vec!["get"], "{path}: the API only registers GET routes");
        }
    }

    /// English words that slipped into field names before (the domain's serde names) or could:
    /// the API speaks French in every field name. `self` (a link relation), `slug`, `url`,
    /// `href`, `id`, `min`, `max`, `format`, `description` and `sources` are shared by both
    /// languages or conventions; the fields of `Probleme` are fixed by RFC 9457.
    const ENGLISH_KEYS: &[&str] = &[
        "name", "state", "title", "label", "key", "color", "colour", "bucket", "buckets", "goal", "count", "share", "levels",
        "level", "at_goal", "evaluated", "entered", "left", "changes", "biggest_moves", "from", "to", "from_color", "to_color",
        "from_value", "to_value", "trend", "up", "down", "indicator", "indicators", "fully_online", "online_any",
        "dematerialisation_rate", "feedback_button", "satisfaction_bands", "links", "value", "values", "rules", "ruleset",
        "published_at", "reason", "downloads", "period", "target", "hash", "current", "weight", "threshold", "numeric",
    ];

    fn property_names<'a>(v: &'a Value, out: &mut BTreeSet<&'a str>) {
        match v {
            Value::Object(o) => {
                if let Some(Value::Object(props)) = o.get("properties") {
                    out.extend(props.keys().map(String::as_str));
                }
                o.values().for_each(|x| property_names(x, out));
            }
            Value::Array(a) => a.iter().for_each(|x| property_names(x, out)),
            _ => {}
        }
    }

    #[test]
    fn every_documented_field_name_is_french() {
        let doc = document();
        let mut names = BTreeSet::new();
        for (name, schema) in doc["components"]["schemas"].as_object().unwrap() {
            if name != "Probleme" {
                property_names(schema, &mut names);
            }
        }
        assert!(names.len() > 80, "{names:?}");
        let english: Vec<&&str> = names.iter().filter(|n| ENGLISH_KEYS.contains(n)).collect();
        assert!(english.is_empty(), "English field names in the API: {english:?}");
    }

    #[test]
    fn every_reference_resolves() {
        let doc = document();
        let mut out = Vec::new();
        refs(&doc, &mut out);
        assert!(out.len() > 50);
        for r in out {
            let pointer = r.strip_prefix('#').expect("local reference");
            assert!(doc.pointer(pointer).is_some(), "unresolved reference {r}");
        }
    }

    #[test]
    fn operations_are_complete() {
        let doc = document();
        let tags: BTreeSet<&str> = doc["tags"].as_array().unwrap().iter().map(|t| t["name"].as_str().unwrap()).collect();
        let mut ids = BTreeSet::new();
        for (path, item) in doc["paths"].as_object().unwrap() {
            let op = &item["get"];
            assert!(ids.insert(op["operationId"].as_str().unwrap()), "{path}: duplicate operationId");
            assert!(tags.contains(op["tags"][0].as_str().unwrap()), "{path}: unknown tag");
            for k in ["summary", "description"] {
                assert!(!op[k].as_str().unwrap_or("").is_empty(), "{path}: no {k}");
            }
            assert!(op["x-exemple"].as_str().unwrap().starts_with(&format!("{PREFIX}/")), "{path}: example");
            for code in ["200", "304", "400"] {
                assert!(op["responses"].get(code).is_some(), "{path}: no {code} response");
            }
            // Path parameters are exactly the {names} of the template.
            let resolve = |p: &Value| -> Value {
                match p.get("$ref").and_then(Value::as_str) {
                    Some(r) => doc.pointer(&r[1..]).unwrap().clone(),
                    None => p.clone(),
                }
            };
            let declared: BTreeSet<String> = op["parameters"]
                .as_array()
                .unwrap()
                .iter()
                .map(resolve)
                .filter(|p| p["in"] == "path")
                .map(|p| p["name"].as_str().unwrap().to_string())
                .collect();
            let in_template: BTreeSet<String> =
                path.split('/').filter_map(|s| s.strip_prefix('{').and_then(|s| s.strip_suffix('}'))).map(String::from).collect();
            assert_eq!(declared, in_template, "{path}: path parameters");
            assert_eq!(in_template.is_empty(), op["responses"].get("404").is_none(), "{path}: 404 iff path parameters");
        }
    }
}
