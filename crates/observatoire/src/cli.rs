//! Command-line definition (clap). Help texts are in French, like the rest of the product.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Observatoire de la qualité des démarches en ligne.
#[derive(Debug, Parser)]
#[command(name = "observatoire", version, about = "Observatoire de la qualité des démarches en ligne", long_about = None)]
pub struct Cli {
    /// Options communes.
    #[command(flatten)]
    pub global: Global,
    /// Commande.
    #[command(subcommand)]
    pub command: Command,
}

/// Options communes à toutes les commandes.
#[derive(Debug, Args)]
pub struct Global {
    /// Fichier SQLite à utiliser (par défaut : observatoire.db ; ignoré si DATABASE_URL est défini)
    #[arg(long, global = true, value_name = "CHEMIN")]
    pub db: Option<PathBuf>,
    /// Dossier de jeux de règles qui remplacent ceux intégrés au programme
    #[arg(long, global = true, env = "OBS_RULES_DIR", value_name = "DOSSIER")]
    pub rules_dir: Option<PathBuf>,
}

/// Les commandes.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Construit une base de démonstration neuve (données réelles du scanner + catalogue de démonstration) et la sert
    Demo {
        /// Adresse d'écoute
        #[arg(long, default_value = "127.0.0.1:8080", value_name = "ADRESSE")]
        listen: String,
        /// Dossier des données de démonstration, organisé comme data/ du dépôt (par défaut : les données intégrées au programme)
        #[arg(long, value_name = "DOSSIER")]
        data: Option<PathBuf>,
        /// Construit la base puis s'arrête sans servir
        #[arg(long)]
        no_serve: bool,
        /// Dossier de fichiers supplémentaires servis sous /fichiers/
        #[arg(long, value_name = "DOSSIER")]
        files: Option<PathBuf>,
        /// Tâches de fond
        #[command(flatten)]
        jobs: ServeJobs,
    },
    /// Sert le site public et l'API sur la base configurée
    Serve {
        /// Adresse d'écoute
        #[arg(long, default_value = "127.0.0.1:8080", value_name = "ADRESSE")]
        listen: String,
        /// Dossier de fichiers supplémentaires servis sous /fichiers/
        #[arg(long, value_name = "DOSSIER")]
        files: Option<PathBuf>,
        /// Tâches de fond
        #[command(flatten)]
        jobs: ServeJobs,
    },
    /// Exécute les tâches de fond sans servir le site (processus séparé ; plusieurs peuvent partager une base PostgreSQL)
    Worker {
        /// Nombre de tâches exécutées en parallèle
        #[arg(long, env = "OBSERVATOIRE_WORKERS", default_value_t = 2, value_name = "N",
              value_parser = clap::value_parser!(u16).range(1..))]
        workers: u16,
    },
    /// File des tâches de fond : consulter, relancer, annuler
    #[command(subcommand)]
    Jobs(JobsCmd),
    /// Met à jour le schéma de la base
    Migrate,
    /// Éditions trimestrielles
    #[command(subcommand)]
    Edition(EditionCmd),
    /// Imports de données
    #[command(subcommand)]
    Import(ImportCmd),
    /// Exports en données ouvertes
    #[command(subcommand)]
    Export(ExportCmd),
    /// Comptes du back-office
    #[command(subcommand)]
    User(UserCmd),
}

/// Tâches de fond exécutées par le serveur lui-même.
#[derive(Debug, Clone, Copy, Args)]
pub struct ServeJobs {
    /// Nombre de tâches de fond exécutées en parallèle par ce processus (0 : aucune, par exemple
    /// quand « observatoire worker » tourne à part)
    #[arg(long, env = "OBSERVATOIRE_WORKERS", default_value_t = 2, value_name = "N")]
    pub workers: u16,
}

/// Commandes sur la file des tâches de fond.
#[derive(Debug, Subcommand)]
pub enum JobsCmd {
    /// Liste les tâches, les plus récentes d'abord
    List {
        /// Seulement cet état : queued (en attente), running (en cours), done (terminée), dead (abandonnée), cancelled (annulée)
        #[arg(long, value_name = "ETAT", value_parser = ["queued", "running", "done", "dead", "cancelled"])]
        state: Option<String>,
        /// Seulement ce type de tâche, ex. jobs.purge_finished
        #[arg(long, value_name = "TYPE")]
        kind: Option<String>,
        /// Nombre maximal de tâches
        #[arg(long, default_value_t = 50, value_name = "N")]
        limit: u32,
        /// Sortie JSON
        #[arg(long)]
        json: bool,
    },
    /// Affiche une tâche
    Show {
        /// Numéro de la tâche
        id: i64,
        /// Sortie JSON
        #[arg(long)]
        json: bool,
    },
    /// Remet en file une tâche abandonnée ou annulée, avec tous ses essais
    Retry {
        /// Numéro de la tâche
        id: i64,
    },
    /// Annule une tâche en attente ou en cours
    Cancel {
        /// Numéro de la tâche
        id: i64,
    },
    /// Liste les tâches périodiques et leur prochaine échéance
    Schedules,
}

/// Commandes sur les éditions.
#[derive(Debug, Subcommand)]
pub enum EditionCmd {
    /// Crée une édition en brouillon
    Create {
        /// Identifiant (minuscules, chiffres, tirets), ex. 2026-octobre
        slug: String,
        /// Nom affiché, ex. « Octobre 2026 »
        #[arg(long)]
        name: String,
        /// Jeu de règles (2019, 2023, 2025 ; par défaut celui en vigueur)
        #[arg(long, value_name = "REGLES")]
        rules: Option<String>,
        /// Trimestre, ex. 2026-T3
        #[arg(long)]
        quarter: Option<String>,
        /// Date d'arrêt AAAA-MM-JJ (fixe les fenêtres de collecte)
        #[arg(long)]
        cutoff: Option<String>,
        /// Fenêtre des avis AAAA-MM-JJ..AAAA-MM-JJ (par défaut : 12 mois jusqu'à la date d'arrêt)
        #[arg(long, value_name = "DEBUT..FIN")]
        feedback_window: Option<String>,
        /// Fenêtre des sondes AAAA-MM-JJ..AAAA-MM-JJ (par défaut : 3 mois jusqu'à la date d'arrêt)
        #[arg(long, value_name = "DEBUT..FIN")]
        probe_window: Option<String>,
    },
    /// Liste les éditions
    List {
        /// Sortie JSON
        #[arg(long)]
        json: bool,
    },
    /// Affiche une édition et ses révisions
    Show {
        /// Identifiant de l'édition
        slug: String,
        /// Sortie JSON
        #[arg(long)]
        json: bool,
    },
    /// Passe une édition en consultation des ministères
    Consult {
        /// Identifiant de l'édition
        slug: String,
    },
    /// Remet une édition en consultation à l'état de brouillon
    Draft {
        /// Identifiant de l'édition
        slug: String,
    },
    /// Publie une édition (une seule transaction)
    Publish {
        /// Identifiant de l'édition
        slug: String,
    },
    /// Ouvre la correction d'une édition publiée ; la prochaine publication crée une nouvelle révision
    Correct {
        /// Identifiant de l'édition
        slug: String,
        /// Motif de la correction (obligatoire)
        #[arg(long)]
        reason: String,
    },
    /// Compare deux éditions (A plus ancienne, B plus récente)
    Diff {
        /// Première édition
        a: String,
        /// Seconde édition
        b: String,
        /// Sortie JSON
        #[arg(long)]
        json: bool,
    },
    /// Synthèse d'une édition
    Synthesis {
        /// Identifiant de l'édition
        slug: String,
        /// Sortie JSON
        #[arg(long)]
        json: bool,
    },
}

/// Commandes d'import.
#[derive(Debug, Subcommand)]
pub enum ImportCmd {
    /// Importe un dossier de résultats du scanner (un sous-dossier par identifiant JDMA)
    Dashlord {
        /// Dossier des résultats
        dir: PathBuf,
        /// Édition qui reçoit les valeurs
        #[arg(long)]
        edition: String,
        /// Importe les lignes valides et signale les autres
        #[arg(long)]
        skip_invalid: bool,
        /// Catalogue CSV donnant noms et organisations des identifiants JDMA
        #[arg(long, value_name = "FICHIER")]
        catalogue: Option<PathBuf>,
    },
    /// Importe le tableur de travail (CSV ou XLSX)
    Sheet {
        /// Fichier CSV ou XLSX
        file: PathBuf,
        /// Édition qui reçoit les valeurs
        #[arg(long)]
        edition: String,
        /// Importe les lignes valides et signale les autres
        #[arg(long)]
        skip_invalid: bool,
        /// Correspondance de colonnes (TOML : [columns] Note_Satisfaction = ["Autre nom"])
        #[arg(long, value_name = "FICHIER")]
        mapping: Option<PathBuf>,
    },
}

/// Commandes d'export.
#[derive(Debug, Subcommand)]
pub enum ExportCmd {
    /// Exporte une édition
    Edition {
        /// Identifiant de l'édition
        slug: String,
        /// Format : csv (point-virgule, BOM), csv-virgule, xlsx, json, schema
        #[arg(long, default_value = "csv")]
        format: String,
        /// Fichier de sortie (par défaut : sortie standard)
        #[arg(long, value_name = "FICHIER")]
        out: Option<PathBuf>,
    },
}

#[cfg(test)]
mod tests {
    use super::Cli;
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_valid() {
        Cli::command().debug_assert();
    }
}

/// Commandes sur les comptes du back-office.
#[derive(Debug, Subcommand)]
pub enum UserCmd {
    /// Crée un compte ; sans --password-stdin, affiche un lien à usage unique pour définir le mot de passe
    Create {
        /// Adresse électronique (identifiant de connexion)
        email: String,
        /// Rôle du compte
        #[arg(long, value_enum)]
        role: RoleArg,
        /// Ministère du compte « ministere », libellé complet tel qu'il figure au catalogue (répétable ; les virgules font partie du libellé)
        #[arg(long = "ministere", value_name = "LIBELLE")]
        ministeres: Vec<String>,
        /// Lit le mot de passe sur l'entrée standard (sans son saut de ligne final)
        #[arg(long)]
        password_stdin: bool,
    },
    /// Liste les comptes
    List {
        /// Sortie JSON
        #[arg(long)]
        json: bool,
    },
    /// Désactive un compte : connexion refusée, sessions fermées, clés d'API révoquées
    Disable {
        /// Adresse électronique du compte
        email: String,
    },
}

/// Les rôles, tels qu'on les tape.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RoleArg {
    /// L'équipe de l'observatoire : tout
    Admin,
    /// Correspondant d'un ou plusieurs ministères (--ministere obligatoire)
    Ministere,
    /// Testeur des démarches qui lui sont confiées
    Testeur,
    /// Lecture seule du back-office
    Lecteur,
}
