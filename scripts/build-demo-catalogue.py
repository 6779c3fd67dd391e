#!/usr/bin/env python3
"""Build data/demo-catalogue.csv: DEMONSTRATION démarche metadata for every feedback product id.

The ids are the union of the folder names of the three scanner snapshots in data/dashlord/.
Everything in the output is inferred from the URL the scanner last visited for the id
(index.csv of 2025-12-31, else 2024-09-30, else 2023-06-30): organisation from the host,
title / audiences / online status from keywords in the path. Nothing else is known, so:

- volume_total and volume_en_ligne stay empty (no real figures);
- a URL that says nothing specific gets a neutral title "Démarche en ligne de … (n° <id>)";
- an id without any URL gets "Démarche n° <id> (URL inconnue)" and no organisation;
- statut_en_ligne is "Oui" only for evident online services (login, form, account space);
- franceconnect is "FranceConnect" only when the URL itself mentions FranceConnect.

The product shows these rows as "données de démonstration".

Usage: python3 scripts/build-demo-catalogue.py   (from anywhere; paths are relative to the repo)
"""

import csv
import os
import re
import sys
from urllib.parse import unquote, urlsplit

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DASHLORD = os.path.join(ROOT, "data", "dashlord")
OUT = os.path.join(ROOT, "data", "demo-catalogue.csv")
SNAPSHOTS = ["2023-06-30", "2024-09-30", "2025-12-31"]  # oldest first: later URLs win
HEADER = ["jdma_id", "titre", "ministere", "administration", "domaine", "publics",
          "volume_total", "volume_en_ligne", "statut_en_ligne", "franceconnect"]

# --------------------------------------------------------------------------------------------
# Ministries (names of the government in office in 2024) and their "domaine" grouping.
# --------------------------------------------------------------------------------------------
ECO = "Ministère de l'Économie, des Finances et de la Souveraineté industrielle et numérique"
SOC = "Ministère du Travail, de la Santé et des Solidarités"
INT = "Ministère de l'Intérieur"
EDU = "Ministère de l'Éducation nationale"
ESR = "Ministère de l'Enseignement supérieur et de la Recherche"
AGR = "Ministère de l'Agriculture et de la Souveraineté alimentaire"
JUS = "Ministère de la Justice"
MEAE = "Ministère de l'Europe et des Affaires étrangères"
ARM = "Ministère des Armées"
TEC = "Ministère de la Transition écologique et de la Cohésion des territoires"
CUL = "Ministère de la Culture"
SPO = "Ministère des Sports et des Jeux Olympiques et Paralympiques"
TFP = "Ministère de la Transformation et de la Fonction publiques"
PM = "Premier ministre"

# --------------------------------------------------------------------------------------------
# Organisations: key -> (ministère, administration, domaine, short name used in neutral titles)
# --------------------------------------------------------------------------------------------
ORGS = {
    "dgfip":   (ECO, "Direction générale des Finances publiques (DGFiP)", "Finances publiques", "la DGFiP"),
    "dgddi":   (ECO, "Direction générale des Douanes et Droits indirects (DGDDI)", "Finances publiques", "la DGDDI"),
    "aife":    (ECO, "Agence pour l'informatique financière de l'État (AIFE)", "Finances publiques", "l'AIFE"),
    "inpi":    (ECO, "Institut national de la propriété industrielle (INPI)", "Économie et entreprises", "l'INPI"),
    "insee":   (ECO, "Institut national de la statistique et des études économiques (Insee)", "Économie et entreprises", "l'Insee"),
    "cnam":    (SOC, "Caisse nationale de l'Assurance maladie (CNAM)", "Santé et protection sociale", "l'Assurance maladie"),
    "cnaf":    (SOC, "Caisse nationale des allocations familiales (CNAF)", "Santé et protection sociale", "la Caf"),
    "urssaf":  (SOC, "Urssaf Caisse nationale", "Santé et protection sociale", "l'Urssaf"),
    "cnav":    (SOC, "Caisse nationale d'assurance vieillesse (CNAV)", "Santé et protection sociale", "l'Assurance retraite"),
    "gipur":   (SOC, "GIP Union Retraite", "Santé et protection sociale", "l'Union Retraite (info-retraite.fr)"),
    "cnsa":    (SOC, "Caisse nationale de solidarité pour l'autonomie (CNSA)", "Santé et protection sociale", "la CNSA"),
    "dss":     (SOC, "Direction de la Sécurité sociale (DSS)", "Santé et protection sociale", "la DSS"),
    "abm":     (SOC, "Agence de la biomédecine", "Santé et protection sociale", "l'Agence de la biomédecine"),
    "inserm":  (SOC, "Institut national de la santé et de la recherche médicale (Inserm)", "Santé et protection sociale", "l'Inserm"),
    "ft":      (SOC, "France Travail", "Travail et emploi", "France Travail"),
    "dgefp":   (SOC, "Délégation générale à l'emploi et à la formation professionnelle (DGEFP)", "Travail et emploi", "la DGEFP"),
    "dgt":     (SOC, "Direction générale du travail (DGT)", "Travail et emploi", "la DGT"),
    "cdc":     (SOC, "Caisse des Dépôts", "Travail et emploi", "la Caisse des Dépôts"),
    "asp_emp": (SOC, "Agence de services et de paiement (ASP)", "Travail et emploi", "l'ASP"),
    "ants":    (INT, "Agence nationale des titres sécurisés (ANTS)", "Intérieur", "l'ANTS"),
    "dsr":     (INT, "Délégation à la sécurité routière (DSR)", "Intérieur", "la Sécurité routière"),
    "antai":   (INT, "Agence nationale de traitement automatisé des infractions (ANTAI)", "Intérieur", "l'ANTAI"),
    "dgef":    (INT, "Direction générale des étrangers en France (DGEF)", "Intérieur", "la DGEF"),
    "scae":    (INT, "Service central des armes et explosifs (SCAE)", "Intérieur", "le SCAE"),
    "siv":     (INT, "Système d'immatriculation des véhicules (SIV)", "Intérieur", "le SIV"),
    "police":  (INT, "Police nationale et Gendarmerie nationale", "Intérieur", "la Police et la Gendarmerie nationales"),
    "dmat":    (INT, "Direction de la modernisation et de l'administration territoriale (DMAT)", "Intérieur", "la DMAT"),
    "dne":     (EDU, "Direction du numérique pour l'éducation (DNE)", "Éducation", "Scolarité services"),
    "dgesco":  (EDU, "Direction générale de l'enseignement scolaire (DGESCO)", "Éducation", "la DGESCO"),
    "cned":    (EDU, "Centre national d'enseignement à distance (CNED)", "Éducation", "le CNED"),
    "djepva":  (EDU, "Direction de la jeunesse, de l'éducation populaire et de la vie associative (DJEPVA)", "Jeunesse et vie associative", "la DJEPVA"),
    "dgesip":  (ESR, "Direction générale de l'enseignement supérieur et de l'insertion professionnelle (DGESIP)", "Enseignement supérieur", "la DGESIP"),
    "cnous":   (ESR, "Centre national des œuvres universitaires et scolaires (Cnous)", "Enseignement supérieur", "les Crous"),
    "msa":     (AGR, "Mutualité sociale agricole (MSA)", "Agriculture", "la MSA"),
    "dgpe":    (AGR, "Direction générale de la performance économique et environnementale des entreprises (DGPE)", "Agriculture", "la DGPE"),
    "sg_jus":  (JUS, "Secrétariat général du ministère de la Justice", "Justice", "la Justice"),
    "dacg":    (JUS, "Casier judiciaire national", "Justice", "le Casier judiciaire national"),
    "dap":     (JUS, "Direction de l'administration pénitentiaire (DAP)", "Justice", "l'administration pénitentiaire"),
    "dfae":    (MEAE, "Direction des Français à l'étranger et de l'administration consulaire (DFAE)", "Affaires étrangères", "la DFAE"),
    "cdcs":    (MEAE, "Centre de crise et de soutien (CDCS)", "Affaires étrangères", "le Centre de crise et de soutien"),
    "onacvg":  (ARM, "Office national des combattants et des victimes de guerre (ONaCVG)", "Armées et anciens combattants", "l'ONaCVG"),
    "igesa":   (ARM, "Institution de gestion sociale des armées (IGESA)", "Armées et anciens combattants", "l'IGESA"),
    "shd":     (ARM, "Service historique de la Défense (SHD)", "Armées et anciens combattants", "le Service historique de la Défense"),
    "sga":     (ARM, "Secrétariat général pour l'administration (SGA)", "Armées et anciens combattants", "le SGA"),
    "dgaln":   (TEC, "Direction générale de l'aménagement, du logement et de la nature (DGALN)", "Logement", "la DGALN"),
    "anah":    (TEC, "Agence nationale de l'habitat (Anah)", "Logement", "l'Anah"),
    "dgec":    (TEC, "Direction générale de l'énergie et du climat (DGEC)", "Transition écologique", "la DGEC"),
    "asp_tec": (TEC, "Agence de services et de paiement (ASP)", "Transition écologique", "l'ASP"),
    "ademe":   (TEC, "Agence de la transition écologique (ADEME)", "Transition écologique", "l'ADEME"),
    "dgitm":   (TEC, "Direction générale des infrastructures, des transports et des mobilités (DGITM)", "Transports", "la DGITM"),
    "passcult":(CUL, "SAS pass Culture", "Culture", "le pass Culture"),
    "dgca":    (CUL, "Direction générale de la création artistique (DGCA)", "Culture", "la DGCA"),
    "dgpa":    (CUL, "Direction générale des patrimoines et de l'architecture (DGPA)", "Culture", "la DGPA"),
    "dgmic":   (CUL, "Direction générale des médias et des industries culturelles (DGMIC)", "Culture", "la DGMIC"),
    "dg2tdc":  (CUL, "Délégation générale à la transmission, aux territoires et à la démocratie culturelle (DG2TDC)", "Culture", "la DG2TDC"),
    "dglflf":  (CUL, "Délégation générale à la langue française et aux langues de France (DGLFLF)", "Culture", "la DGLFLF"),
    "ds":      (SPO, "Direction des sports (DS)", "Sports", "la Direction des sports"),
    "dinum":   (TFP, "Direction interministérielle du numérique (DINUM)", "Transformation et fonction publiques", "la DINUM"),
    "dgafp":   (TFP, "Direction générale de l'administration et de la fonction publique (DGAFP)", "Transformation et fonction publiques", "la DGAFP"),
    "dila":    (PM, "Direction de l'information légale et administrative (DILA)", "Services du Premier ministre", "Service-Public.fr"),
    "ddd":     ("", "Défenseur des droits", "Autorités indépendantes", "le Défenseur des droits"),
    # A shared platform: the owner of a démarche is not in its URL.
    "ds_platform": ("", "", "", "Démarches simplifiées"),
}

# --------------------------------------------------------------------------------------------
# Hosts: (host suffix, organisation, default publics, evidently online?, neutral title label)
# Matched on the host without "www."; the first suffix that matches wins (specific ones first).
# The neutral label replaces "de <short name>" in "Démarche en ligne de … (n° <id>)".
# --------------------------------------------------------------------------------------------
P, PRO, ASSO, COLL, AG = "particuliers", "professionnels", "associations", "collectivités", "agents"
HOSTS = [
    ("attestation-vaccin.ameli.fr", "cnam", P, True, None),
    ("ameli.fr", "cnam", P, True, None),
    ("monespacesante.fr", "cnam", P, True, None),
    ("telepaiement.dgfip.finances.gouv.fr", "dgfip", P, True, None),
    ("cfspart-idp.impots.gouv.fr", "dgfip", P, True, None),
    ("timbres.impots.gouv.fr", "dgfip", P, True, None),
    ("impots.gouv.fr", "dgfip", P, False, None),
    ("cadastre.gouv.fr", "dgfip", P, False, None),
    ("douane.gouv.fr", "dgddi", PRO, True, None),
    ("chorus-pro.gouv.fr", "aife", PRO, True, None),
    ("inpi.fr", "inpi", PRO, False, None),
    ("le-recensement-et-moi.fr", "insee", P, True, None),
    ("partenaires.caf.fr", "cnaf", PRO, True, None),
    ("caf.fr", "cnaf", P, False, None),
    ("mon-entreprise.urssaf.fr", "urssaf", PRO, False, None),
    ("autoentrepreneur.urssaf.fr", "urssaf", PRO, True, None),
    ("artistes-auteurs.urssaf.fr", "urssaf", PRO, True, None),
    ("due.urssaf.fr", "urssaf", PRO, True, None),
    ("tfe.urssaf.fr", "urssaf", PRO, True, None),
    ("cesu.urssaf.fr", "urssaf", P, False, "du Cesu (Urssaf)"),
    ("pajemploi.urssaf.fr", "urssaf", P, True, "de Pajemploi (Urssaf)"),
    ("urssaf.fr", "urssaf", PRO, False, None),
    ("lassuranceretraite.fr", "cnav", P, True, None),
    ("info-retraite.fr", "gipur", P, True, None),
    ("cnsa.fr", "cnsa", P, True, None),
    ("demande-autonomie.gouv.fr", "cnsa", P, True, None),
    ("mesdroitssociaux.gouv.fr", "dss", P, False, None),
    ("registrenationaldesrefus.fr", "abm", P, True, None),
    ("certdc.inserm.fr", "inserm", PRO, True, None),
    ("entreprise.francetravail.fr", "ft", PRO, False, "de France Travail (espace entreprise)"),
    ("entreprise.pole-emploi.fr", "ft", PRO, False, "de France Travail (espace entreprise)"),
    ("candidat.francetravail.fr", "ft", P, False, "de France Travail (espace candidat)"),
    ("francetravail.fr", "ft", P, False, None),
    ("pole-emploi.fr", "ft", P, False, None),
    ("guso.fr", "ft", PRO, False, "du Guso (France Travail)"),
    ("activitepartielle.emploi.gouv.fr", "dgefp", PRO, True, None),
    ("1jeune1solution.beta.gouv.fr", "dgefp", P, False, None),
    ("sylae.asp-public.fr", "asp_emp", PRO, True, None),
    ("sipsi.travail.gouv.fr", "dgt", PRO, True, None),
    ("telerc.travail.gouv.fr", "dgt", f"{P};{PRO}", True, None),
    ("code.travail.gouv.fr", "dgt", f"{P};{PRO}", False, None),
    ("moncompteformation.gouv.fr", "cdc", P, True, None),
    ("permisdeconduire.ants.gouv.fr", "ants", P, True, "de l'ANTS (permis de conduire)"),
    ("immatriculation.ants.gouv.fr", "ants", P, True, "de l'ANTS (immatriculation des véhicules)"),
    ("passeport.ants.gouv.fr", "ants", P, True, "de l'ANTS (passeport et carte d'identité)"),
    ("ants.gouv.fr", "ants", P, True, None),
    ("mespoints.permisdeconduire.gouv.fr", "dsr", P, True, None),
    ("securite-routiere.gouv.fr", "dsr", P, False, None),
    ("antai.gouv.fr", "antai", P, False, None),
    ("amendes.gouv.fr", "antai", P, True, None),
    ("sia.registres.interieur.gouv.fr", "scae", PRO, True, None),
    ("sia.detenteurs.interieur.gouv.fr", "scae", P, True, None),
    ("siv.interieur.gouv.fr", "siv", P, True, None),
    ("histovec.interieur.gouv.fr", "siv", P, False, None),
    ("administration-etrangers-en-france.interieur.gouv.fr", "dgef", P, True, None),
    ("etrangers-en-france.interieur.gouv.fr", "dgef", P, False, None),
    ("anef.dgef.interieur.gouv.fr", "dgef", P, True, None),
    ("masecurite.interieur.gouv.fr", "police", P, True, None),
    ("pre-plainte-en-ligne.gouv.fr", "police", P, True, None),
    ("maprocuration.gouv.fr", "dmat", P, True, None),
    ("interieur.gouv.fr", None, P, False, None),  # organisation set by the ministry fallback below
    ("teleservices.education.gouv.fr", "dne", P, True, None),
    ("examens-concours.gouv.fr", "dgesco", P, True, None),
    ("cned.fr", "cned", P, False, None),
    ("associations.gouv.fr", "djepva", ASSO, True, None),
    ("diplome.gouv.fr", "dgesip", P, False, None),
    ("parcoursup.gouv.fr", "dgesip", P, True, None),
    ("parcoursup.fr", "dgesip", P, True, None),
    ("monmaster.gouv.fr", "dgesip", P, True, None),
    ("etudiant.gouv.fr", "cnous", P, True, None),
    ("lescrous.fr", "cnous", P, False, None),
    ("msa.fr", "msa", P, True, None),
    ("agriculture.gouv.fr", "dgpe", PRO, True, None),
    ("casier-judiciaire.justice.gouv.fr", "dacg", P, True, None),
    ("penitentiaire.justice.fr", "dap", P, False, None),
    ("aidejuridictionnelle.justice.fr", "sg_jus", P, False, None),
    ("justice.fr", "sg_jus", P, False, None),
    ("france-visas.gouv.fr", "dfae", P, False, None),
    ("votezaletranger.gouv.fr", "dfae", P, True, None),
    ("fildariane.diplomatie.gouv.fr", "cdcs", P, True, None),
    ("diplomatie.gouv.fr", "dfae", P, False, None),
    ("onac-vg.fr", "onacvg", P, False, None),
    ("igesa.fr", "igesa", AG, False, None),
    ("servicehistorique.sga.defense.gouv.fr", "shd", P, False, None),
    ("sga.defense.gouv.fr", "sga", P, False, None),
    ("demande-logement-social.gouv.fr", "dgaln", P, True, None),
    ("dossierfacile.logement.gouv.fr", "dgaln", P, True, None),
    ("dossierfacile.fr", "dgaln", P, True, None),
    ("anah.gouv.fr", "anah", P, True, None),
    ("maprimerenov.gouv.fr", "anah", P, True, None),
    ("chequeenergie.gouv.fr", "dgec", P, False, None),
    ("certificat-air.gouv.fr", "dgec", P, True, None),
    ("primealaconversion.gouv.fr", "asp_tec", P, True, None),
    ("ademe.fr", "ademe", f"{PRO};{COLL}", False, None),
    ("carte-familles-nombreuses.gouv.fr", "dgitm", P, False, None),
    ("passculture.app", "passcult", P, False, None),
    ("pass.culture.fr", "passcult", P, False, None),
    ("pass.sports.gouv.fr", "ds", P, False, None),
    ("choisirleservicepublic.gouv.fr", "dgafp", P, False, None),
    ("observatoire.numerique.gouv.fr", "dinum", P, False, None),
    ("demarches-simplifiees.fr", "ds_platform", P, False, "sur Démarches simplifiées"),
    ("journal-officiel.gouv.fr", "dila", ASSO, True, None),
    ("service-public.fr", "dila", P, False, None),
    ("service-public.gouv.fr", "dila", P, False, None),
    ("defenseurdesdroits.fr", "ddd", P, True, None),
]

# --------------------------------------------------------------------------------------------
# Path rules: (host suffix, regex searched in the decoded path + ?query + #fragment, title,
#              options). The first rule whose host and regex match gives the title.
# Options: "publics" (overrides the host's), "online" (True/False overrides the host's),
#          "org" (overrides the host's organisation).
# --------------------------------------------------------------------------------------------
RULES = [
    # Assurance maladie (ameli): the _pageLabel names the page.
    ("ameli.fr", r"as_mod_adresse_postale", "Modifier son adresse postale (Assurance maladie)", {}),
    ("ameli.fr", r"as_attestation_paiement_ij", "Obtenir une attestation de paiement des indemnités journalières (Assurance maladie)", {}),
    ("ameli.fr", r"as_carte_euro_assu_maladie", "Commander la carte européenne d'assurance maladie", {}),
    ("ameli.fr", r"as_declarer_naissance", "Déclarer une naissance (Assurance maladie)", {}),
    ("ameli.fr", r"as_demander_cmuc", "Demander la complémentaire santé solidaire (ex-CMU-C)", {}),
    ("ameli.fr", r"as_commande_vitale", "Commander une carte Vitale", {}),
    ("ameli.fr", r"as_pertevol_carte_vitale", "Déclarer la perte ou le vol de sa carte Vitale", {}),
    ("ameli.fr", r"as_infosbancaires", "Gérer ses informations bancaires (Assurance maladie)", {}),
    ("attestation-vaccin.ameli.fr", r"", "Obtenir son attestation de vaccination", {}),
    ("assure.ameli.fr", r"as_accueil_page|^/PortailAS/appmanager/PortailAS/assure\?_somtc=true#?$",
     "Accéder à son compte ameli", {}),
    ("monespacesante.fr", r"", "Accéder à Mon espace santé", {}),
    # DGFiP, DGDDI, AIFE, INPI, Insee
    ("cfspart-idp.impots.gouv.fr", r"", "Se connecter à son espace particulier (impots.gouv.fr)", {}),
    ("timbres.impots.gouv.fr", r"", "Acheter un timbre fiscal électronique", {}),
    ("telepaiement.dgfip.finances.gouv.fr", r"", "Payer en ligne (télépaiement de la DGFiP)", {}),
    ("cadastre.gouv.fr", r"", "Consulter le plan cadastral", {}),
    ("douane.gouv.fr", r"vins-et-alcools-ciel", "Déclaration fiscale sur les vins et alcools (CIEL)", {}),
    ("douane.gouv.fr", r"fret-traditionnel-delta-g", "Déclaration en douane du fret traditionnel (DELTA G)", {}),
    ("douane.gouv.fr", r"transit-douanier-delta-t", "Déclaration de transit douanier (DELTA T)", {}),
    ("douane.gouv.fr", r"accise-emcs-gamma", "Mouvements de produits soumis à accise (EMCS GAMMA)", {}),
    ("douane.gouv.fr", r"/gamma2", "Mouvements de produits soumis à accise (GAMMA 2)", {}),
    ("douane.gouv.fr", r"detaxe-pablo", "Gestion des bordereaux de vente en détaxe (PABLO)", {}),
    ("douane.gouv.fr", r"debweb2|code_teleservice=DEB_", "Déclaration des échanges de biens intra-UE (DEB)", {}),
    ("douane.gouv.fr", r"europeenne-de-services-des|code_teleservice=DES", "Déclaration européenne de services (DES)", {}),
    ("chorus-pro.gouv.fr", r"demandeRemboursement", "Faire une demande de remboursement (Chorus Pro)", {}),
    ("chorus-pro.gouv.fr", r"rechercheFacturesEmises", "Rechercher ses factures émises (Chorus Pro)", {}),
    ("chorus-pro.gouv.fr", r"/utilisateur", "Se connecter à Chorus Pro", {}),
    ("chorus-pro.gouv.fr", r"^/?$", "Déposer et suivre ses factures (Chorus Pro)", {}),
    ("procedures.inpi.fr", r"", "Effectuer une procédure en ligne auprès de l'INPI", {"online": True}),
    ("data.inpi.fr", r"", "Consulter les données de l'INPI (data.inpi.fr)", {"publics": f"{PRO};{P}"}),
    ("le-recensement-et-moi.fr", r"", "Répondre au recensement de la population en ligne", {}),
    # CAF
    ("caf.fr", r"#/solidariteetactivite", "Faire une demande de RSA (solidarité et activité)", {"online": True}),
    ("caf.fr", r"demanderlaprimedactivite", "Demander la prime d'activité", {"online": True}),
    ("caf.fr", r"demanderlaideaulogement", "Demander une aide au logement (Caf)", {"online": True}),
    ("caf.fr", r"/mesressources", "Déclarer ses ressources (Caf)", {"online": True}),
    ("caf.fr", r"simulateurpa", "Simuler la prime d'activité (Caf)", {}),
    ("partenaires.caf.fr", r"", "Se connecter à l'espace partenaires (Caf)", {}),
    ("caf.fr", r"login", "Se connecter à son compte Caf", {"online": True}),
    # Urssaf
    ("due.urssaf.fr", r"", "Effectuer une déclaration préalable à l'embauche (DPAE)", {}),
    ("cesu.urssaf.fr", r"page_declaration", "Déclarer un salarié à domicile (Cesu)", {"online": True}),
    ("cesu.urssaf.fr", r"page_adhesion_futur_employeur", "Adhérer au Cesu en tant que futur employeur", {"online": True}),
    ("cesu.urssaf.fr", r"page_empl_avantage_fiscal", "Consulter son avantage fiscal d'employeur (Cesu)", {"online": True}),
    ("pajemploi.urssaf.fr", r"/decla/", "Déclarer son salarié (Pajemploi)", {}),
    ("pajemploi.urssaf.fr", r"activation", "Activer son compte Pajemploi", {}),
    ("autoentrepreneur.urssaf.fr", r"", "Accéder à son espace auto-entrepreneur (Urssaf)", {}),
    ("artistes-auteurs.urssaf.fr", r"", "Accéder à son espace artiste-auteur (Urssaf)", {}),
    ("tfe.urssaf.fr", r"adherer", "Adhérer au Titre Firmes Étrangères (TFE)", {}),
    ("mon-entreprise.urssaf.fr", r"salaire-brut-net", "Simuler un salaire brut / net", {}),
    ("urssaf.fr", r"creer-votre-espace", "Créer son espace en ligne (Urssaf)", {"online": True}),
    ("urssaf.fr", r"verification-attestation", "Vérifier une attestation (Urssaf)", {}),
    # Retraite, autonomie, droits sociaux, santé
    ("info-retraite.fr", r"/drl", "Demander sa retraite en ligne", {}),
    ("info-retraite.fr", r"#/drv", "Demander une pension de réversion en ligne", {}),
    ("lassuranceretraite.fr", r"AGEDEPART", "Connaître son âge de départ à la retraite", {}),
    ("lassuranceretraite.fr", r"CONSULT_MONTANT", "Consulter le montant de sa retraite", {}),
    ("lassuranceretraite.fr", r"authentifier", "Se connecter à son espace personnel (l'Assurance retraite)", {}),
    ("mdphenligne.cnsa.fr", r"", "Déposer une demande auprès de la MDPH en ligne", {}),
    ("demande-autonomie.gouv.fr", r"", "Faire une demande d'aide à l'autonomie", {}),
    ("mesdroitssociaux.gouv.fr", r"aide-logement", "Simuler ses droits à l'aide au logement", {}),
    ("mesdroitssociaux.gouv.fr", r"allocation-adulte-handicape", "Simuler ses droits à l'allocation aux adultes handicapés (AAH)", {}),
    ("mesdroitssociaux.gouv.fr", r"complementaire-sante-solidaire", "Simuler ses droits à la complémentaire santé solidaire", {}),
    ("mesdroitssociaux.gouv.fr", r"rsa-pa", "Simuler ses droits au RSA et à la prime d'activité", {}),
    ("mesdroitssociaux.gouv.fr", r"^/?$", "Consulter ses droits sociaux (mesdroitssociaux.gouv.fr)", {}),
    ("registrenationaldesrefus.fr", r"", "S'inscrire sur le registre national des refus", {}),
    ("certdc.inserm.fr", r"", "Certifier un décès par voie électronique (CertDc)", {}),
    # MSA: only the service codes whose meaning is evident get a title.
    ("msa.fr", r"codeServiceFct=K\d+DPAEWEB", "Effectuer une déclaration préalable à l'embauche (MSA)", {"publics": PRO}),
    ("msa.fr", r"codeServiceFct=K\d+TESAWEB", "Utiliser le titre emploi simplifié agricole (TESA)", {"publics": PRO}),
    ("msa.fr", r"codeServiceFct=\w*CMUC", "Demander la complémentaire santé solidaire (MSA)", {}),
    ("msa.fr", r"codeServiceFct=DMDCEAM", "Demander la carte européenne d'assurance maladie (MSA)", {}),
    ("msa.fr", r"codeServiceFct=DCLCHGSIT", "Déclarer un changement de situation (MSA)", {}),
    # Agriculture
    ("telepac.agriculture.gouv.fr", r"", "Effectuer ses déclarations PAC en ligne (Telepac)", {}),
    ("ecoagri.agriculture.gouv.fr", r"calamnat", "Demander une indemnisation au titre des calamités agricoles", {}),
    # Travail et emploi
    ("activitepartielle.emploi.gouv.fr", r"/aparts", "Demander l'activité partielle", {}),
    ("sipsi.travail.gouv.fr", r"", "Déclarer un détachement de salariés en France (SIPSI)", {}),
    ("telerc.travail.gouv.fr", r"", "Demander l'homologation d'une rupture conventionnelle (TéléRC)", {}),
    ("code.travail.gouv.fr", r"indemnite-licenciement", "Simuler l'indemnité de licenciement", {}),
    ("code.travail.gouv.fr", r"indemnite-rupture-conventionnelle", "Simuler l'indemnité de rupture conventionnelle", {}),
    ("moncompteformation.gouv.fr", r"inscription", "Créer son compte personnel de formation (CPF)", {}),
    ("moncompteformation.gouv.fr", r"", "Utiliser son compte personnel de formation (CPF)", {}),
    ("sylae.asp-public.fr", r"", "Déclarer et suivre ses aides à l'emploi (SYLAé)", {}),
    ("mes-aides.1jeune1solution.beta.gouv.fr", r"", "Simuler ses droits aux aides (1jeune1solution)", {}),
    ("pole-emploi.fr", r"/offres/emploi", "Rechercher une offre d'emploi (France Travail)", {}),
    ("pole-emploi.fr", r"/formations/recherche", "Rechercher une formation (France Travail)", {}),
    ("actualisationenrichie.pole-emploi.fr", r"", "S'actualiser chaque mois (France Travail)", {"online": True}),
    ("guso.fr", r"authentification/employeur", "Se connecter à son espace employeur (Guso)", {"online": True}),
    # Intérieur
    ("permisdeconduire.ants.gouv.fr", r"invalidation-ou-annulation", "Demander un permis de conduire après invalidation ou annulation", {}),
    ("permisdeconduire.ants.gouv.fr", r"reussite-a-l-examen", "Demander son permis de conduire après réussite à l'examen", {}),
    ("permisdeconduire.ants.gouv.fr", r"changement-d-etat-civil", "Modifier son permis de conduire après un changement d'état civil", {}),
    ("permisdeconduire.ants.gouv.fr", r"deterioration-remplacement", "Remplacer son permis de conduire (détérioration, ancien format ou fin de validité)", {}),
    ("passeport.ants.gouv.fr", r"pre-demande-de-passeport", "Faire une pré-demande de passeport", {}),
    ("passeport.ants.gouv.fr", r"pre-demande-de-carte-nationale-d-identite", "Faire une pré-demande de carte nationale d'identité", {}),
    ("mespoints.permisdeconduire.gouv.fr", r"", "Consulter le solde de points de son permis de conduire", {}),
    ("securite-routiere.gouv.fr", r"resultats-du-permis-de-conduire", "Consulter ses résultats à l'examen du permis de conduire", {"online": True}),
    ("securite-routiere.gouv.fr", r"reserver-en-ligne-sa-place", "Réserver sa place à l'examen du permis de conduire", {"online": True}),
    ("amendes.gouv.fr", r"", "Payer une amende en ligne", {}),
    ("usagers.antai.gouv.fr", r"saisienumero", "Effectuer une démarche sur un avis de contravention (ANTAI)", {"online": True}),
    ("antai.gouv.fr", r"dossier-infraction", "Suivre son dossier d'infraction (ANTAI)", {}),
    ("siv.interieur.gouv.fr", r"accueil_certificat", "Obtenir un certificat de situation administrative d'un véhicule", {}),
    ("histovec.interieur.gouv.fr", r"", "Consulter l'historique d'un véhicule d'occasion (HistoVec)", {}),
    ("sia.registres.interieur.gouv.fr", r"", "Tenir ses registres d'armes en ligne (SIA)", {}),
    ("sia.detenteurs.interieur.gouv.fr", r"", "Accéder à son espace détenteur d'armes (SIA)", {}),
    ("etrangers-en-france.interieur.gouv.fr", r"regroupement-familial", "Demander le regroupement familial", {}),
    ("administration-etrangers-en-france.interieur.gouv.fr", r"/sejour", "Effectuer une démarche de titre de séjour en ligne (ANEF)", {"online": True}),
    ("administration-etrangers-en-france.interieur.gouv.fr", r"", "Effectuer une démarche en ligne pour les étrangers en France (ANEF)", {"online": True}),
    ("pre-plainte-en-ligne.gouv.fr", r"", "Effectuer une pré-plainte en ligne", {}),
    ("plainte-en-ligne.masecurite.interieur.gouv.fr", r"", "Porter plainte en ligne", {}),
    ("maprocuration.gouv.fr", r"", "Établir une procuration de vote (Maprocuration)", {}),
    # Éducation, enseignement supérieur, jeunesse
    ("cned.fr", r"/compte", "Se connecter à son compte CNED", {"online": True}),
    ("examens-concours.gouv.fr", r"attestations", "Obtenir une attestation d'examen ou de concours (Cyclades)", {}),
    ("diplome.gouv.fr", r"/verif", "Vérifier l'authenticité d'un diplôme", {"publics": f"{P};{PRO}", "online": True}),
    ("parcoursup", r"", "Candidater dans l'enseignement supérieur (Parcoursup)", {}),
    ("monmaster.gouv.fr", r"", "Candidater en master (Mon Master)", {}),
    ("cvec.etudiant.gouv.fr", r"", "Acquitter la contribution de vie étudiante et de campus (CVEC)", {}),
    ("trouverunlogement.lescrous.fr", r"", "Trouver un logement étudiant (Crous)", {"online": True}),
    ("lecompteasso.associations.gouv.fr", r"", "Se connecter au Compte Asso", {}),
    # Justice
    ("casier-judiciaire.justice.gouv.fr", r"b3", "Demander un extrait de casier judiciaire (bulletin n° 3)", {}),
    ("aidejuridictionnelle.justice.fr", r"simulateur", "Simuler son droit à l'aide juridictionnelle", {}),
    ("aidejuridictionnelle.justice.fr", r"", "Demander l'aide juridictionnelle", {"online": True}),
    ("justice.fr", r"saisies-remunerations", "Simuler une saisie sur rémunération", {}),
    ("justice.fr", r"pensions-alimentaire", "Simuler le montant d'une pension alimentaire", {}),
    ("justice.fr", r"se-constituer-partie-civile", "Se constituer partie civile", {}),
    ("monespace.justice.fr", r"authentification", "Se connecter à son espace Justice", {"online": True}),
    ("penitentiaire.justice.fr", r"authentification", "Se connecter au portail de l'administration pénitentiaire", {"online": True}),
    # Affaires étrangères
    ("application-form.france-visas.gouv.fr", r"", "Remplir sa demande de visa en ligne (France-Visas)", {"online": True}),
    ("france-visas.gouv.fr", r"", "Préparer sa demande de visa (France-Visas)", {}),
    ("votefae.diplomatie.gouv.fr", r"", "Voter par internet (Français établis hors de France)", {"online": True}),
    ("votezaletranger.gouv.fr", r"", "Voter par internet (Français établis hors de France)", {}),
    ("fildariane.diplomatie.gouv.fr", r"", "S'inscrire sur Fil d'Ariane (voyageurs à l'étranger)", {}),
    ("pastel.diplomatie.gouv.fr", r"etudesenfrance.*login", "Se connecter à Études en France", {"online": True}),
    # Armées
    ("onac-vg.fr", r"/user/login", "Se connecter à son espace ONaCVG", {"online": True}),
    ("onac-vg.fr", r"demander-une-aide-financiere", "Demander une aide financière (ONaCVG)", {}),
    ("igesa.fr", r"prestation-education", "Demander la prestation éducation (action sociale des armées)", {}),
    ("igesa.fr", r"centre-de-loisirs-sans-hebergement",
     "Demander la subvention interministérielle pour le séjour d'un enfant en centre de loisirs sans hébergement", {}),
    ("servicehistorique.sga.defense.gouv.fr", r"demande-de-documents-administratifs",
     "Demander des documents administratifs (Service historique de la Défense)", {"online": True}),
    # Logement, transition écologique, transports
    ("demande-logement-social.gouv.fr", r"", "Faire une demande de logement social", {}),
    ("dossierfacile", r"", "Constituer son dossier de location (DossierFacile)", {}),
    ("monprojet.anah.gouv.fr", r"", "Faire une demande d'aide pour son logement (Anah)", {}),
    ("maprimerenov.gouv.fr", r"", "Demander MaPrimeRénov'", {}),
    ("chequeenergie.gouv.fr", r"paiement-en-ligne", "Payer en ligne avec son chèque énergie", {"online": True}),
    ("chequeenergie.gouv.fr", r"eligibilite", "Vérifier son éligibilité au chèque énergie", {}),
    ("chequeenergie.gouv.fr", r"creation-de-compte", "Créer son compte bénéficiaire du chèque énergie", {"online": True}),
    ("certificat-air.gouv.fr", r"", "Commander son certificat qualité de l'air (Crit'Air)", {}),
    ("primealaconversion.gouv.fr", r"", "Demander la prime à la conversion", {}),
    ("vosaides.ademe.fr", r"/project/add", "Déposer une demande d'aide (ADEME)", {"online": True}),
    ("carte-familles-nombreuses.gouv.fr", r"", "Demander la carte Familles nombreuses", {}),
    # Culture, sports, fonction publique, DINUM
    ("passculture.app", r"", "Utiliser le pass Culture", {}),
    ("pass.culture.fr", r"", "Utiliser le pass Culture", {}),
    ("pass.sports.gouv.fr", r"eligibilite", "Vérifier son éligibilité au Pass'Sport", {}),
    ("pass.sports.gouv.fr", r"", "Bénéficier du Pass'Sport", {}),
    ("choisirleservicepublic.gouv.fr", r"", "Rechercher un emploi dans la fonction publique (Choisir le service public)", {}),
    ("observatoire.numerique.gouv.fr", r"", "Consulter l'Observatoire de la qualité des démarches en ligne", {}),
    # Démarches simplifiées: the slug names the démarche and, sometimes evidently, its owner.
    ("demarches-simplifiees.fr", r"creation-artistique", "Demander une aide au projet ou au fonctionnement (création artistique)",
     {"org": "dgca", "publics": f"{ASSO};{PRO}"}),
    ("demarches-simplifiees.fr", r"aide-projet-fonctionnement_patrimoine", "Demander une aide au projet ou au fonctionnement (patrimoine)",
     {"org": "dgpa", "publics": f"{ASSO};{PRO}"}),
    ("demarches-simplifiees.fr", r"transmission-culturelle", "Demander une aide au projet ou au fonctionnement (transmission culturelle)",
     {"org": "dg2tdc", "publics": f"{ASSO};{PRO}"}),
    ("demarches-simplifiees.fr", r"transmission-action-lflf", "Demander une aide à la transmission (langue française et langues de France)",
     {"org": "dglflf", "publics": f"{ASSO};{PRO}"}),
    ("demarches-simplifiees.fr", r"presse_medias-proximite", "Demander une aide aux médias de proximité",
     {"org": "dgmic", "publics": f"{ASSO};{PRO}"}),
    ("demarches-simplifiees.fr", r"aide-livre-lecture", "Demander une aide au livre et à la lecture",
     {"org": "dgmic", "publics": f"{ASSO};{PRO}"}),
    ("demarches-simplifiees.fr", r"aide-investissement-(\d{4})", "Demander une aide à l'investissement ({0})", {}),
    # Service-Public.fr (DILA)
    ("service-public.fr", r"typeCompte=association", "Se connecter à son compte Service-Public.fr (associations)",
     {"publics": ASSO, "online": True}),
    ("inscriptionelectorale.service-public.fr", r"", "S'inscrire sur les listes électorales", {"online": True}),
    ("psl.service-public.fr", r"JeChangeDeCoordonnees", "Déclarer un changement de coordonnées", {"online": True}),
    ("service-public", r"demarches-et-outils/ISE", "Vérifier son inscription électorale et son bureau de vote", {"online": True}),
    ("service-public", r"interrogation-fourriere", "Savoir si son véhicule a été mis en fourrière", {"online": True}),
    ("service-public", r"/simulateur/calcul/([\w-]+)", "Simulateur de Service-Public.fr (calcul {0})", {}),
    ("service-public", r"/vosdroits/(R\d+)", "Service en ligne référencé sur Service-Public.fr (fiche {0})", {}),
    ("auth.service-public", r"openid-connect", "Se connecter à son compte Service-Public.fr", {"online": True}),
    ("associations-depot-comptes.journal-officiel.gouv.fr", r"depotdescomptes", "Déposer les comptes annuels d'une association", {}),
    ("defenseurdesdroits.fr", r"", "Saisir le Défenseur des droits en ligne", {}),
]

# Ministry fallback for a host matched only by a generic suffix (no organisation of its own).
MINISTRY_FALLBACK = {"interieur.gouv.fr": (INT, "", "Intérieur", "le ministère de l'Intérieur")}

# Generic evidence that a URL is an online service (login page, form, account space).
ONLINE_WORDS = re.compile(
    r"login|connexion|authentif|se-connecter|openid-connect|/compte|moncompte|espace-?prive|"
    r"monespace|/auth/|formulaire|/commencer/|mademarche|/decla", re.I)
FRANCECONNECT = re.compile(r"france[-_ ]?connect", re.I)


def host_matches(host, pattern):
    """A full host name ("ameli.fr") matches itself and its subdomains; a bare name without a
    top-level domain ("parcoursup", "service-public") matches any host containing it."""
    if re.search(r"\.(fr|app)$", pattern):
        return host == pattern or host.endswith("." + pattern)
    return pattern in host


def neutral_title(jdma_id, org_short, label):
    of = label if label else "de " + org_short
    of = re.sub(r"^de le ", "du ", of)
    of = re.sub(r"^de les ", "des ", of)
    return with_id(f"Démarche en ligne {of}", jdma_id)


def with_id(title, jdma_id):
    """Appends the id, inside a final parenthesis when there is one."""
    if title.endswith(")"):
        return title[:-1] + f", n° {jdma_id})"
    return f"{title} (n° {jdma_id})"


def describe(jdma_id, url):
    """Returns the row (without volumes) inferred from one URL."""
    if not url:
        return dict(titre=f"Démarche n° {jdma_id} (URL inconnue)", ministere="", administration="",
                    domaine="", publics=P, statut_en_ligne="", franceconnect="", specific=True)
    parts = urlsplit(url)
    host = parts.hostname.lower() if parts.hostname else ""
    host = host[4:] if host.startswith("www.") else host
    rest = unquote(parts.path or "/")
    if parts.query:
        rest += "?" + unquote(parts.query)
    if parts.fragment:
        rest += "#" + unquote(parts.fragment)

    org_key, publics, online, label = None, P, False, None
    for suffix, key, pub, onl, lab in HOSTS:
        if host_matches(host, suffix):
            org_key, publics, online, label = key, pub, onl, lab
            fallback = MINISTRY_FALLBACK.get(suffix)
            break
    else:
        fallback = None
        print(f"warning: no organisation for host {host!r} (id {jdma_id})", file=sys.stderr)

    title = None
    for suffix, pattern, text, opts in RULES:
        if not host_matches(host, suffix):
            continue
        m = re.search(pattern, rest)
        if not m:
            continue
        title = text.format(*m.groups())
        publics = opts.get("publics", publics)
        online = opts.get("online", online)
        org_key = opts.get("org", org_key)
        break

    if org_key:
        ministere, administration, domaine, short = ORGS[org_key]
    elif fallback:
        ministere, administration, domaine, short = fallback
    else:
        ministere, administration, domaine, short = "", "", "", host
    specific = title is not None
    if title is None:
        title = neutral_title(jdma_id, short, label)
    if not online and ONLINE_WORDS.search(rest):
        online = True
    order = [P, PRO, ASSO, COLL, AG]
    publics = ";".join(sorted(set(publics.split(";")), key=order.index))
    return dict(titre=title, ministere=ministere, administration=administration, domaine=domaine,
                publics=publics, statut_en_ligne="Oui" if online else "",
                franceconnect="FranceConnect" if FRANCECONNECT.search(url) else "", specific=specific)


def main():
    ids, urls = set(), {}
    for snap in SNAPSHOTS:  # oldest first, so the most recent URL overwrites older ones
        folder = os.path.join(DASHLORD, snap)
        ids.update(d for d in os.listdir(folder) if os.path.isdir(os.path.join(folder, d)))
        with open(os.path.join(folder, "index.csv"), encoding="utf-8", newline="") as f:
            for row in csv.DictReader(f):
                if row["url"].strip():
                    urls[row["jdma_product_id"].strip()] = row["url"].strip()
    bad = sorted(i for i in ids if not i.isdigit())
    if bad:
        sys.exit(f"non-numeric product ids: {bad}")

    rows = {int(i): describe(int(i), urls.get(i, "")) for i in ids}

    # A specific title shared by several ids (the same démarche registered under several
    # product ids) gets the id appended, so that every row stays distinguishable.
    counts = {}
    for r in rows.values():
        counts[r["titre"]] = counts.get(r["titre"], 0) + 1
    for jdma_id, r in rows.items():
        if r["specific"] and counts[r["titre"]] > 1:
            r["titre"] = with_id(r["titre"], jdma_id)

    with open(OUT, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(HEADER)
        for jdma_id in sorted(rows):
            r = rows[jdma_id]
            w.writerow([jdma_id, r["titre"], r["ministere"], r["administration"], r["domaine"],
                        r["publics"], "", "", r["statut_en_ligne"], r["franceconnect"]])
    with_ministry = sum(1 for r in rows.values() if r["ministere"])
    no_url = sum(1 for i in ids if i not in urls)
    print(f"{OUT}: {len(rows)} rows, {with_ministry} with a ministry, {no_url} without URL")


if __name__ == "__main__":
    main()
