"""The words the demo organisation is made of: people, teams, portfolios, projects, tasks, reasons, and how
the lifecycle stages are spread. Data, kept apart from the seeding logic in :mod:`portfolium.demo.seed`."""

from __future__ import annotations

from portfolium.projects.models import Stage


def _words(text: str) -> list[str]:
    return text.split()


# --- vocabulary -------------------------------------------------------------------------------------------

FIRST_NAMES = _words("""Aisha Alejandro Amara Anders Aniket Anna Arjun Astrid Beatriz Ben Bilal Camille Carlos Chen Chiara
Chloe Daniel Dmitri Elena Emeka Emily Erik Fatima Felix Freya Gabriel Grace Hannah Hiroshi Ines Isaac Ivana Jakub
James Jamal Javier Jin Julia Kai Karin Kofi Lars Laura Leila Liam Lina Lucas Maya Mateo Mei Mia Mohammed Nadia Naomi
Nikolai Nora Oliver Olivia Omar Paolo Priya Rafael Rania Ravi Rosa Ryan Sakura Samuel Sara Sean Sofia Tariq Thomas
Tomas Valentina Victor Wei Yusuf Zara Zoe""")
LAST_NAMES = _words("""Abbott Adeyemi Almeida Andersen Bauer Bennett Bianchi Brennan Carter Chandra Chen Costa Dubois Eriksson
Evans Fernandes Fischer Fontaine Garcia Gupta Hansen Hassan Hoffmann Hughes Ibrahim Ivanova Jansen Jensen Kaur
Kim Kowalski Larsen Laurent Lee Lindqvist Lopez Martin Meyer Moreau Murphy Nakamura Nguyen Novak Nowak Okafor Okoye
Olsen Ortiz Park Patel Pereira Petrov Quinn Ramos Reddy Rossi Russo Santos Sato Schmidt Schneider Shah Silva
Singh Sorensen Suzuki Tanaka Taylor Thompson Tran Varga Wagner Walsh Wang Weber Williams Wilson Yamamoto Young
Zhang Zielinski""")

TEAMS = [
    ("PMO", "Project management office: governance, reporting and delivery assurance."),
    ("Platform Engineering", "Core platforms, APIs and developer tooling."),
    ("Data & Analytics", "Data platform, reporting and machine learning."),
    ("Customer Experience", "Digital channels, UX research and design."),
    ("Infrastructure & Cloud", "Networks, hosting and the cloud landing zone."),
    ("Information Security", "Security architecture, identity and compliance."),
    ("Finance Systems", "ERP, billing and financial reporting systems."),
    ("Change & Training", "Business change, communications and training."),
]
TEAM_TITLES = {
    "PMO": ["PMO Analyst", "Portfolio Analyst", "Resource Coordinator"],
    "Platform Engineering": ["Software Engineer", "Senior Software Engineer", "Tech Lead", "Solution Architect"],
    "Data & Analytics": ["Data Engineer", "Data Scientist", "BI Developer", "Analytics Engineer"],
    "Customer Experience": ["UX Designer", "Product Owner", "Front-end Developer", "Content Designer"],
    "Infrastructure & Cloud": ["Cloud Engineer", "Network Engineer", "Site Reliability Engineer"],
    "Information Security": ["Security Analyst", "Security Architect", "Identity Engineer"],
    "Finance Systems": ["ERP Consultant", "Business Analyst", "Finance Systems Analyst"],
    "Change & Training": ["Change Manager", "Training Lead", "Communications Specialist"],
}
EXECUTIVES = [
    "Chief Digital Officer", "Chief Operating Officer", "Chief Financial Officer", "Chief Information Officer",
    "Chief Risk Officer", "Director of Customer Operations", "Chief People Officer", "Chief Commercial Officer",
]
REGIONS = ["North", "South", "East", "West", "Central", "Nordics", "Iberia", "Benelux", "DACH", "APAC"]

PORTFOLIOS = [  # code, name, parent code
    ("DIGI", "Digital Transformation", None),
    ("CHAN", "Customer Channels", "DIGI"),
    ("OPEX", "Operational Excellence", None),
    ("GRC", "Governance, Risk & Compliance", None),
    ("DATA", "Data & AI", "DIGI"),
    ("INFRA", "Infrastructure Modernisation", "OPEX"),
    ("PEOPLE", "People & Workplace", None),
    ("SUST", "Sustainability", None),
    ("FINT", "Finance Transformation", "OPEX"),
    ("SUPPLY", "Supply Chain", "OPEX"),
    ("CYBER", "Cyber Security", "GRC"),
    ("GROWTH", "Growth & New Markets", None),
]
PROGRAMS = [  # code, name, portfolio code
    ("MOBILE", "Mobile First", "CHAN"),
    ("C360", "Customer 360", "DIGI"),
    ("CLOUD", "Cloud Migration", "OPEX"),
    ("ERP", "ERP Renewal", "OPEX"),
    ("REGREP", "Regulatory Reporting", "GRC"),
    ("ZTRUST", "Zero Trust", "GRC"),
    ("WEBRP", "Web Replatform", "CHAN"),
    ("AUTOM", "Process Automation", "OPEX"),
]
PROJECT_NAMES = """Customer portal redesign|Mobile banking app v3|CRM consolidation|Data warehouse migration
|Payment gateway upgrade|Identity and access management|Self-service password reset|Document management rollout
|Contact centre telephony replacement|Chatbot for customer service|General ledger migration|Invoice automation
|Procurement portal|Warehouse management system|Fleet telematics|Field service scheduling|HR information system
|Payroll outsourcing|Learning management platform|Office network refresh|Data centre exit|Kubernetes platform
|Observability stack|Disaster recovery uplift|Endpoint security refresh|Privileged access management
|GDPR records of processing|Anti-money laundering monitoring|Basel IV capital reporting|Vendor risk assessment
|E-commerce checkout rebuild|Loyalty programme relaunch|Product information management|Pricing engine
|Customer data platform|Demand forecasting model|Churn prediction|Master data governance|Carbon footprint reporting
|Solar panels on sites|Electric vehicle fleet|Smart building sensors|Hybrid workplace booking|Intranet replacement
|Collaboration suite migration|API gateway|Event streaming platform|Legacy mainframe retirement|Billing system upgrade
|Subscription management|Partner onboarding portal|Market entry Germany|Market entry Brazil|Accessibility compliance
|Website performance|Search relaunch|Robotic process automation|Contract lifecycle management|Expense management
|Treasury management system|Cash forecasting|Supplier portal|Quality management system""".replace("\n", "").split("|")
TAGS = ["customer-facing", "regulatory", "cloud", "cost-saving", "quick-win", "ai", "data", "security", "mobile",
        "erp", "sustainability", "automation", "legacy-exit", "revenue", "infrastructure"]
GOALS = [
    ("Grow digital revenue", "Double revenue through digital channels by 2028."),
    ("Reduce cost to serve", "Cut the cost of serving a customer by 20 %."),
    ("Improve customer satisfaction", "Raise NPS from 31 to 45."),
    ("Meet regulatory obligations", "No material findings from regulators or auditors."),
    ("Reach net zero", "Net-zero operations by 2030."),
    ("Modernise core platforms", "Retire end-of-life systems and move to the cloud."),
    ("Improve employee experience", "Raise employee engagement to the top quartile."),
    ("Make decisions with data", "Every major decision backed by trusted, timely data."),
    ("Strengthen cyber resilience", "Recover any critical service within four hours."),
]
INVESTMENT_CATEGORIES = ["Run the business", "Grow the business", "Transform the business"]
COMPONENTS = ["Billing", "Identity", "Reporting", "Integration", "Front end", "Data platform", "Infrastructure",
              "Security", "Mobile app", "Back office"]

PHASES = ["Discovery", "Design", "Build", "Test", "Deployment", "Training & change", "Hypercare", "Benefits review"]
MILESTONES = {
    "Discovery": "Discovery complete", "Design": "Design signed off", "Build": "Build complete",
    "Test": "User acceptance signed off", "Deployment": "Go-live", "Training & change": "Users trained",
    "Hypercare": "Hypercare exit", "Benefits review": "Benefits review approved",
}
VERBS = {
    "Discovery": ["Interview stakeholders on", "Map current process for", "Gather requirements for", "Assess options for",
                  "Estimate", "Review vendor proposals for"],
    "Design": ["Design", "Prototype", "Write specification for", "Review architecture of", "Model data for",
               "Agree acceptance criteria for"],
    "Build": ["Build", "Configure", "Integrate", "Implement", "Develop", "Script"],
    "Test": ["Write test cases for", "System-test", "Performance-test", "Security-test", "Run UAT on", "Fix defects in"],
    "Deployment": ["Prepare cut-over plan for", "Migrate", "Deploy", "Dress-rehearse", "Switch over"],
    "Training & change": ["Train users on", "Write user guide for", "Communicate changes to", "Run workshops on"],
    "Hypercare": ["Monitor", "Stabilise", "Tune", "Hand over"],
    "Benefits review": ["Measure benefits of", "Survey users of", "Report outcomes of", "Close out"],
}
OBJECTS = [
    "customer onboarding", "payment service", "order API", "reporting dashboard", "single sign-on", "data model",
    "invoice export", "notification service", "search index", "user roles", "audit log", "mobile login",
    "pricing rules", "product catalogue", "supplier interface", "general ledger feed", "batch jobs",
    "network segmentation", "backup policy", "monitoring alerts", "consent records", "address lookup",
    "document templates", "approval workflow", "data quality checks", "master data", "reference data",
    "call routing", "knowledge base", "helpdesk scripts", "email templates", "access reviews", "key management",
    "load balancer", "message queue", "file transfer", "archive", "exchange rates", "tax rules", "timesheets",
]
BLOCKED_REASONS = [
    "Waiting for vendor to deliver the test environment", "Waiting for security sign-off",
    "Blocked by open defect in the upstream API", "Key specialist on leave until next sprint",
    "Waiting for budget approval of the licence uplift", "Test data not yet anonymised",
    "Depends on a firewall change that has not been scheduled", "Waiting for legal review of the contract",
]
AMBER_REASONS = [
    "Two weeks behind plan on the integration work", "Vendor resourcing is thin; mitigation agreed",
    "Scope change under review by the steering group", "Forecast 8 % over budget",
    "Key dependency on the ERP upgrade is at risk", "Test environment availability is limited",
]
RED_REASONS = [
    "Go-live date will be missed: re-plan in progress", "Budget overrun of 25 %: change request raised",
    "Critical supplier missed two milestones", "Regulatory deadline at risk",
    "Blocked on security findings that need redesign",
]
HOLD_REASONS = ["Paused pending the annual budget review", "Paused while the vendor is re-selected"]
CANCEL_REASONS = ["Cancelled: the business case no longer holds", "Cancelled: merged into another project"]

STAGE_WEIGHTS = {
    Stage.INITIATION: 10, Stage.PLANNING: 15, Stage.EXECUTION: 30, Stage.MONITORING: 12,
    Stage.CLOSING: 8, Stage.CLOSED: 12, Stage.ON_HOLD: 6, Stage.CANCELLED: 5,
}
# How much of the planned span has elapsed on the anchor day, by stage.
STAGE_ELAPSED = {
    Stage.INITIATION: (-0.15, 0.03), Stage.PLANNING: (0.03, 0.15), Stage.EXECUTION: (0.25, 0.7),
    Stage.MONITORING: (0.6, 0.9), Stage.CLOSING: (0.9, 1.0), Stage.CLOSED: (1.05, 1.5),
    Stage.ON_HOLD: (0.2, 0.5), Stage.CANCELLED: (0.1, 0.45),
}
